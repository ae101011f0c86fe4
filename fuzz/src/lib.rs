//! The fuzz targets' shared code: [`oracles`] (also included by the root package's
//! `tests/fuzz_corpus.rs`, which replays the committed corpora on stable).

pub mod oracles;
