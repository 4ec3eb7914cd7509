"""fieldapp desktop: PySide6 widgets over the Qt-free core in `fieldapp`."""
