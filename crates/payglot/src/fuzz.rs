//! What every fuzz target checks, in one place: `fuzz/fuzz_targets/*.rs` call [`check`] with
//! their own name, and `tests/fuzz_seeds.rs` replays each seed corpus through the same function
//! on stable, so a crash found once stays fixed without nightly.
//!
//! Beyond "never panic", a decoder target checks the round trip: whatever decodes must encode
//! (lossy) into something the same codec decodes again, to the same message when neither side
//! reported a loss. Not a stable API: it exists for the fuzz package.

use payglot_core_model::{CanonicalJson, Codec, DateTime, DecodeLimits, EncodeOptions, MessageId, TransportContext};
use payglot_rest::{RestBerlinGroup, RestNative, RestOpenBankingUk};

use crate::Registry;

/// Every fuzz target's name; the fuzz package has one `fuzz_targets/<name>.rs` for each.
pub const TARGETS: &[&str] = &[
    "canonical_json",
    "detect",
    "graphql",
    "iso20022",
    "rest_berlin_group",
    "rest_native",
    "rest_open_banking_uk",
    "soap",
];

/// Run the checks of fuzz target `target` on `data`: `None` for an unknown target, else
/// `Some(Err(why))` when a check fails. Panics only where the code under test panics.
pub fn check(target: &str, data: &[u8]) -> Option<Result<(), String>> {
    let limits = DecodeLimits::default();
    let result = match target {
        "canonical_json" => round_trip(&CanonicalJson, data, &limits),
        "detect" => payglot_detect(data, &limits),
        "graphql" => {
            payglot_graphql::fuzz_decode(data);
            round_trip(&payglot_graphql::GraphqlCodec, data, &with_transport(limits))
        }
        "iso20022" => any_detected(data, &limits),
        "rest_berlin_group" => round_trip(&RestBerlinGroup::default(), data, &with_transport(limits)),
        "rest_native" => round_trip(&RestNative, data, &limits),
        "rest_open_banking_uk" => {
            let limits = with_transport(limits);
            round_trip(&RestOpenBankingUk::v4(), data, &limits)
                .and_then(|()| round_trip(&RestOpenBankingUk::v3_1(), data, &limits))
        }
        "soap" => {
            payglot_soap::fuzz_envelope(data);
            any_detected(data, &limits)
        }
        _ => return None,
    };
    Some(result)
}

/// Decode → encode (lossy) → decode with one codec.
fn round_trip(codec: &dyn Codec, data: &[u8], limits: &DecodeLimits) -> Result<(), String> {
    let Ok(decoded) = codec.decode(data, limits) else { return Ok(()) };
    let Ok(encoded) = codec.encode(&decoded.message, &EncodeOptions::lossy()) else { return Ok(()) };
    let again = codec
        .decode(&encoded.bytes, limits)
        .map_err(|e| format!("{}: our own output does not decode: {e}", codec.format()))?;
    if decoded.losses.is_empty() && encoded.losses.is_empty() && again.message != decoded.message {
        return Err(format!("{}: encode → decode changed the message", codec.format()));
    }
    Ok(())
}

/// `detect`, then the round trip with whatever codec it picked.
fn any_detected(data: &[u8], limits: &DecodeLimits) -> Result<(), String> {
    let Ok(format) = crate::detect(data, limits) else { return Ok(()) };
    let registry = Registry::standard();
    let Some(codec) = registry.get(&format) else { return Err(format!("detect() gave {format}, which has no codec")) };
    round_trip(codec, data, limits)
}

fn payglot_detect(data: &[u8], limits: &DecodeLimits) -> Result<(), String> {
    let _ = crate::detect(data, limits);
    Ok(())
}

/// The limits with a fixed transport context, for bodies that need one to decode.
fn with_transport(limits: DecodeLimits) -> DecodeLimits {
    match (MessageId::new("FUZZ-1"), DateTime::parse("2024-03-01T10:00:00Z")) {
        (Ok(message_id), Ok(time)) => limits.with_transport(TransportContext { message_id, time }),
        _ => limits,
    }
}
