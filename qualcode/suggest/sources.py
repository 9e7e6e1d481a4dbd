"""The built-in suggestion sources, registered in the order a run needs them: the rules first
(they tokenize new segments), then the shipped base model, the choice normaliser and the learned model (which reads the
tokens the rules cached). A plug-in source registers itself the same way."""

from qualcode.suggest.base import register
from qualcode.suggest.base_model_source import BaseModelSource
from qualcode.suggest.choice_source import ChoiceSource
from qualcode.suggest.model_source import ModelSource
from qualcode.suggest.rule_source import RuleSource

for _source in (RuleSource, BaseModelSource, ChoiceSource, ModelSource):
    register(_source)
