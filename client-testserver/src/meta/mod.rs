//! Object-metadata rules shared by every kind: names, label and annotation
//! keys, selectors, timestamps.

pub(crate) mod label_selector;
pub(crate) mod names;
// The selector grammar is complete and unit-tested; the server reads only
// part of it (`is_empty`, `requirements`, `single_name`, `field_value`).
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) mod selector;
pub(crate) mod timefmt;
