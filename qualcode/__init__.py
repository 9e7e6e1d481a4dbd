"""qualcode: semi-automatic qualitative coding of Swedish interview notes and survey answers.

Library first: ``Project`` opens a project file; the ``qualcode`` command is a thin layer over it.
"""

from .codebook import Code, Codebook, load_codebook
from .errors import QualcodeError
from .project import Project

__all__ = ["Code", "Codebook", "Project", "QualcodeError", "load_codebook"]
__version__ = "0.1.0"
