"""Exchange with other qualitative-analysis tools: REFI-QDA projects (.qdpx) and codebooks (.qdc).

``refi_export`` writes them, ``refi_import`` reads them into a new project or a codebook YAML,
``refi_xml`` holds the shared XML work (hardened parsing, the official schemas, stable GUIDs).
"""
