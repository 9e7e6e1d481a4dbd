"""qualcode: semi-automatic qualitative coding of Swedish interview notes and survey answers.

Library first: ``Project`` opens a project file; the ``qualcode`` command is a thin layer over it.
"""

from qualcode.codebook import Code, Codebook, load_codebook
from qualcode.errors import QualcodeError
from qualcode.project import Project

__all__ = ["Code", "Codebook", "Project", "QualcodeError", "load_codebook"]
__version__ = "0.1.0"
