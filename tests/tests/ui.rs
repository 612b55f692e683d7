//! trybuild suite for the derive macros: every accepted form compiles
//! (`ui/pass`), every rule of the attribute table is a compile error with a
//! reviewed message (`ui/fail`, one rule per file).
//!
//! After a compiler upgrade changes wording, regenerate the `.stderr` files with
//! `TRYBUILD=overwrite cargo test -p tests --test ui` and review the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*.rs");
}
