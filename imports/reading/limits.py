"""The limits every upload is checked against before calamine sees it.

Most of them bound what calamine would allocate or copy for one file (its sizes are noted where
they matter); the rest bound what this package itself reads.
"""

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DATA_ROWS = 200_000

# Real rows a sheet may have before it is refused outright; the engine enforces the exact
# MAX_DATA_ROWS on data rows (title and header rows excluded).
MAX_ROWS = MAX_DATA_ROWS + 1000
MAX_COLUMNS = 1000
# calamine allocates rows × columns cells (32 bytes each) for the used range.
MAX_CELLS = 8_000_000
# ODS cells calamine pushes while parsing, before building ranges (56 bytes each).
MAX_ODS_PUSHED_CELLS = 10_000_000
# Bytes of cell text calamine (and then Python) will hold for one sheet.
MAX_TEXT_BYTES = 256 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_UNZIPPED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# calamine reserves uniqueCount strings up front (24 bytes each).
MAX_SHARED_STRINGS = 10_000_000
# workbook.xml, relationships, content types, manifest: metadata parts read whole.
MAX_SMALL_PART = 8 * 1024 * 1024
MAX_SPACES = 10_000_000
# Excel's own limit on the text of one cell: anything longer was not written by Excel, and one
# such cell can hold hundreds of megabytes that calamine and Python would each copy.
MAX_CELL_CHARS = 32_767
# Bytes of one XML token (tag, comment, entity reference …) the exact scans let expat buffer
# while waiting for its end; text is handed over piece by piece and is not held.
MAX_PENDING_XML = 4 * 1024 * 1024
CHUNK = 1024 * 1024
TEXT_PROBE = 64 * 1024
