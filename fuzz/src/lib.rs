//! The fuzz targets' shared code: [`oracles`] and [`differential`] (also included by the
//! root package's `tests/fuzz_corpus.rs`, which replays the committed corpora on stable).

pub mod differential;
pub mod oracles;
