//! `/openapi/v3` documents built from CRD schemas.
