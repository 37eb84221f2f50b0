//! Every integration test of payglot-iso20022 in one test binary (one link of the generated
//! code instead of six): corpus codecs, freshness of the generated code, hostile input, the record
//! hook, round trips, property tests and the xmllint agreement. Run one part with
//! `cargo test -p payglot-iso20022 --test iso -- hostile::`.
mod common;
mod corpus_codec;
mod fast_paths;
mod features;
mod generated_fresh;
mod hostile;
mod record;
mod roundtrip;
mod roundtrip_props;
mod stream_typed;
mod typed_decode;
mod typed_encode;
mod xmllint_agreement;
