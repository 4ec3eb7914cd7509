"""fieldapp core: service requests, slips, SLA clocks and sealing, without Qt.

The desktop app (`ui/`), the command line and the archive server all build on this
package; nothing here imports PySide6.
"""

__version__ = "0.1.0"
