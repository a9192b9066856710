"""Every component id, in one place: layouts, callbacks and tests import them from here."""

# Shell
URL = "url"
BANNER = "demo-banner"
MESSAGES = "url-messages"
NAV = "main-nav"
DATA_AS_AT = "data-as-at"
NAV_USER = "nav-user"
NAV_SIGN_OUT = "nav-sign-out"
NAV_SIGN_IN = "nav-sign-in"

# Filter bar (shared by every page)
F_AREA = "filter-area"
F_COMPARATOR = "filter-comparator"
F_COHORT = "filter-cohort"
F_PERIOD_FROM = "filter-period-from"
F_PERIOD_TO = "filter-period-to"
F_CONFIDENCE = "filter-confidence"
F_MEASURE = "filter-measure"
F_DIMENSION = "filter-dimension"
VIEW = "view-state"  # dcc.Store holding the parsed filter of the page

# Overview
OVERVIEW_TILES = "overview-tiles"
OVERVIEW_RUG = "overview-rug"
OVERVIEW_TABS = "overview-tabs"

# Theme page
THEME_CARDS = "theme-cards"

# Measure page
MEASURE_TREND = "measure-trend"
MEASURE_SPC = "measure-spc"
MEASURE_SPC_NOTES = "measure-spc-notes"
MEASURE_BREAKDOWN = "measure-breakdown"
MEASURE_AREAS = "measure-areas"
MEASURE_GRID = "measure-grid"
MEASURE_META = "measure-meta"
MEASURE_SUMMARY = "measure-summary"
MEASURE_TREND_TABLE = "measure-trend-table"
MEASURE_BREAKDOWN_TABLE = "measure-breakdown-table"
MEASURE_AREAS_TABLE = "measure-areas-table"

# Commentary (annotations) on the measure page
NOTE_PERIOD = "note-period"
NOTE_TEXT = "note-text"
NOTE_SAVE = "note-save"
NOTE_ID = "note-id"
NOTE_LIST = "note-list"
NOTE_FEEDBACK = "note-feedback"
NOTE_EDIT = "note-edit"  # pattern-matching type
NOTE_DELETE = "note-delete"  # pattern-matching type
NOTE_REFRESH = "note-refresh"

# Drill-down
DRILL_BARS = "drill-bars"
DRILL_TREND = "drill-trend"
DRILL_AREAS = "drill-areas"
DRILL_CRUMBS = "drill-breadcrumb"
DRILL_TITLE = "drill-title"
DRILL_BARS_TABLE = "drill-bars-table"
DRILL_TREND_TABLE = "drill-trend-table"
DRILL_AREAS_TABLE = "drill-areas-table"

# Data page
DATA_GRID = "data-grid"
DATA_BATCHES = "data-batches"
DATA_QUALITY = "data-quality"
DATA_FLAGGED = "data-flagged"
DATA_TABS = "data-tabs"

# Presentation mode
PRESENT = "present-root"  # carries data-next, data-prev and data-exit for assets/present.js
PRESENT_TITLE = "present-title"
PRESENT_NAV = "present-nav"
PRESENT_FULLSCREEN = "present-fullscreen"

# Exports (the bar under the banner on every page)
EXPORT_BAR = "export-bar"
EXPORT_PDF = "export-pdf"
EXPORT_PNG = "export-png"
EXPORT_CSV = "export-csv"
EXPORT_XLSX = "export-xlsx"
EXPORT_PACK = "export-pack"
EXPORT_SNAPSHOT = "export-snapshot"  # opens the save-snapshot form
EXPORT_PROGRESS = "export-progress"
EXPORT_PROGRESS_WRAP = "export-progress-wrap"
EXPORT_STATUS = "export-status"
EXPORT_DOWNLOAD = "export-download"
EXPORT_TICKET = "export-ticket"  # dcc.Store: the signed request the background export job works from
EXPORT_DATA_DOWNLOAD = "export-data-download"
EXPORT_META_DOWNLOAD = "export-meta-download"
SNAPSHOT_FORM = "snapshot-form"
SNAPSHOT_TITLE = "snapshot-title"
SNAPSHOT_AUTHOR = "snapshot-author"
SNAPSHOT_SAVE = "snapshot-save"
SNAPSHOT_RESULT = "snapshot-result"

# Snapshot pages
SNAPSHOT_VIEW = "snapshot-view"
SNAPSHOT_LIST = "snapshot-list"

# Upload (admins)
UPLOAD_FILE = "upload-file"
UPLOAD_PARTIAL = "upload-partial"
UPLOAD_REPORT = "upload-report"
UPLOAD_LOAD = "upload-load"
UPLOAD_RESULT = "upload-result"

# Audit log (admins)
AUDIT_TABLE = "audit-table"
