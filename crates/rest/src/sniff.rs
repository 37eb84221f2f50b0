//! Which REST dialect a JSON body is, from its top-level keys, for the facade's `detect()`.

use payglot_core_model::Format;

use crate::common::TopKeys;

/// The REST dialect of `input`, or `None` when it is not a JSON object any dialect writes.
/// Open Banking bodies are reported as v4 (`rest:open-banking-uk`): v3.1 differs only deeper
/// in the document. Error bodies are recognised too (decode them with `errors::decode_error`).
pub fn sniff(input: &[u8]) -> Option<Format> {
    let keys = TopKeys::probe(input);
    if keys.keys.is_empty() {
        return None;
    }
    let native_object = matches!(keys.object.as_deref(), Some("payment" | "event" | "list"));
    let native_request = keys.has("idempotency_key") && (keys.has("amount") || keys.has("batches"));
    let native_problem =
        keys.has("type") && keys.has("status") && keys.has("title") && !keys.has("code") || keys.has("provider_code");
    if native_object || native_request || native_problem {
        return Some(Format::REST_NATIVE);
    }
    if keys.has("Data") || keys.has("Errors") {
        return Some(Format::REST_OPEN_BANKING_UK);
    }
    let berlin = ["instructedAmount", "transactionStatus", "tppMessages", "creditorAccount", "debtorAccount"];
    if berlin.iter().any(|k| keys.has(k)) || (keys.has("type") && keys.has("code")) {
        return Some(Format::REST_BERLIN_GROUP);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_are_recognised() {
        assert_eq!(sniff(br#"{"idempotency_key":"k","amount":1}"#), Some(Format::REST_NATIVE));
        assert_eq!(sniff(br#"{"object":"event"}"#), Some(Format::REST_NATIVE));
        assert_eq!(sniff(br#"{"instructedAmount":{}}"#), Some(Format::REST_BERLIN_GROUP));
        assert_eq!(sniff(br#"{"tppMessages":[]}"#), Some(Format::REST_BERLIN_GROUP));
        assert_eq!(sniff(br#"{"Data":{},"Risk":{}}"#), Some(Format::REST_OPEN_BANKING_UK));
        assert_eq!(sniff(b"<Document/>"), None);
        assert_eq!(sniff(br#"{"unrelated":1}"#), None);
    }
}
