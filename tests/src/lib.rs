//! Workspace-level tests; the code lives in `tests/` (see the README).
