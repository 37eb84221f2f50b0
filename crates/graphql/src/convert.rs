//! Between the schema's input types and the canonical model.
//!
//! Reading: an [`InitiatePaymentInput`] serialises into the canonical model's JSON shape (see
//! [`crate::input`]); a few top-level fields are moved to where the model keeps them (the ids
//! into `ids`, `amount` into `instructed_amount`, `extensions` into a map), and the model's
//! own checked types validate every value. Writing goes the other way: the canonical JSON of a
//! transfer loses the fields this schema has no place for (each reported as a [`Loss`]), its
//! keys are written in GraphQL's camelCase, and the result is read back as an
//! [`InitiatePaymentInput`] so that what we write is always what the schema accepts.

use payglot_core_model::{CreditTransfer, EncodeError, GroupHeader, Loss, PaymentBatch, PaymentInfoId, PaymentMethod};
use serde_json::{Map, Value};

use crate::input::InitiatePaymentInput;

/// One payment to initiate, in canonical terms: the transfer, and the group-level data of the
/// order it belongs to when the client sent it (`input.message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initiation {
    /// Group-level data, when given.
    pub group: Option<GroupInfo>,
    /// The transfer.
    pub transfer: CreditTransfer,
}

/// Group-level data of a payment order: the message header and the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// Message id, creation time, initiating party, forwarding agent.
    pub header: GroupHeader,
    /// Payment-information (batch) id.
    pub batch_id: PaymentInfoId,
    /// Batch booking requested.
    pub batch_booking: Option<bool>,
}

/// A value of a request that does not satisfy the model: the GraphQL path of the field and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// Path of the field from the argument down, in GraphQL names (`["input", "debtorAccount", ...]`).
    pub field: Vec<String>,
    /// Why it was refused.
    pub message: String,
}

impl FieldError {
    fn new(field: Vec<String>, message: impl Into<String>) -> Self {
        Self { field, message: message.into() }
    }
}

/// The canonical [`Initiation`] an input describes, or the first value the model refuses.
pub fn initiation_from_input(input: &InitiatePaymentInput) -> Result<Initiation, FieldError> {
    let root = || vec!["input".to_owned()];
    let value = serde_json::to_value(input).map_err(|e| FieldError::new(root(), e.to_string()))?;
    let Value::Object(mut map) = value else {
        return Err(FieldError::new(root(), "input is not an object"));
    };
    let group = match map.remove("message") {
        Some(message) => Some(group_from_json(message)?),
        None => None,
    };
    let mut ids = Map::new();
    for key in ["end_to_end_id", "instruction_id", "uetr"] {
        if let Some(value) = map.remove(key) {
            ids.insert(key.to_owned(), value);
        }
    }
    map.insert("ids".to_owned(), Value::Object(ids));
    if let Some(amount) = map.remove("amount") {
        map.insert("instructed_amount".to_owned(), amount);
    }
    if let Some(Value::Array(entries)) = map.remove("extensions") {
        let mut extensions = Map::new();
        for (index, entry) in entries.into_iter().enumerate() {
            let (Some(Value::String(key)), Some(value)) = (entry.get("key").cloned(), entry.get("value").cloned())
            else {
                continue;
            };
            if extensions.insert(key.clone(), value).is_some() {
                let path = vec!["input".to_owned(), "extensions".to_owned(), index.to_string(), "key".to_owned()];
                return Err(FieldError::new(path, format!("duplicate extension key {key:?}")));
            }
        }
        map.insert("extensions".to_owned(), Value::Object(extensions));
    }
    let transfer: CreditTransfer = serde_path_to_error::deserialize(Value::Object(map))
        .map_err(|e| FieldError::new(graphql_path(root(), e.path()), model_message(e.inner())))?;
    Ok(Initiation { group, transfer })
}

fn group_from_json(message: Value) -> Result<GroupInfo, FieldError> {
    let root = || vec!["input".to_owned(), "message".to_owned()];
    let Value::Object(mut map) = message else {
        return Err(FieldError::new(root(), "message is not an object"));
    };
    let batch_id = map.remove("payment_information_id");
    let batch_booking = map.remove("batch_booking").and_then(|v| v.as_bool());
    let mut header = Map::new();
    for (from, to) in [
        ("id", "message_id"),
        ("created_at", "created"),
        ("initiating_party", "initiating_party"),
        ("forwarding_agent", "forwarding_agent"),
    ] {
        if let Some(value) = map.remove(from) {
            header.insert(to.to_owned(), value);
        }
    }
    let message_id = header.get("message_id").cloned();
    let header: GroupHeader = serde_path_to_error::deserialize(Value::Object(header))
        .map_err(|e| FieldError::new(graphql_path(root(), e.path()), model_message(e.inner())))?;
    let batch_text = match batch_id.or(message_id) {
        Some(Value::String(text)) => text,
        _ => header.message_id.as_str().to_owned(),
    };
    let batch_id = PaymentInfoId::new(batch_text).map_err(|e| {
        let mut path = root();
        path.push("paymentInformationId".to_owned());
        FieldError::new(path, e.to_string())
    })?;
    Ok(GroupInfo { header, batch_id, batch_booking })
}

/// serde's message without its position suffix.
fn model_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text.get(..at).unwrap_or(&text).to_owned(),
        None => text,
    }
}

/// A canonical path (as serde_path_to_error saw it) in the schema's names.
fn graphql_path(mut root: Vec<String>, path: &serde_path_to_error::Path) -> Vec<String> {
    use serde_path_to_error::Segment;
    let segments: Vec<String> = path
        .iter()
        .filter_map(|segment| match segment {
            Segment::Seq { index } => Some(index.to_string()),
            Segment::Map { key } => Some(key.clone()),
            Segment::Enum { variant } => Some(variant.clone()),
            Segment::Unknown => None,
        })
        .collect();
    for (index, segment) in segments.iter().enumerate() {
        let next_is_last = index + 1 == segments.len();
        let name = match segment.as_str() {
            "ids" => continue,
            "message_id" => "id".to_owned(),
            "created" => "createdAt".to_owned(),
            "instructed_amount" => "amount".to_owned(),
            "amount" if next_is_last => "value".to_owned(),
            "id" if !next_is_last => "identification".to_owned(),
            other => snake_to_camel(other),
        };
        root.push(name);
    }
    root
}

/// `end_to_end_id` → `endToEndId`.
pub(crate) fn snake_to_camel(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    let mut upper = false;
    for c in key.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Canonical JSON keys written as the schema's: camelCase, `amount` of a money value as
/// `value`, an `id` holding an identification object as `identification`.
fn camelize(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let name = match (key.as_str(), &value) {
                        ("amount", Value::String(_)) => "value".to_owned(),
                        ("id", Value::Object(_)) => "identification".to_owned(),
                        _ => snake_to_camel(&key),
                    };
                    (name, camelize(value))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(camelize).collect()),
        other => other,
    }
}

fn to_json<T: serde::Serialize>(value: &T, path: &str) -> Result<Value, EncodeError> {
    serde_json::to_value(value).map_err(|e| EncodeError::unrepresentable(path, e.to_string()))
}

/// Canonical fields of a transfer the schema has no place for, with why.
const TRANSFER_UNCARRIED: &[(&str, &str)] = &[
    ("settlement_amount", "interbank settlement amount: initiatePayment carries the instructed amount only"),
    ("settlement_date", "interbank settlement date has no field in initiatePayment"),
    ("acceptance_time", "acceptance time has no field in initiatePayment"),
    ("charges", "charges taken along the chain have no field in initiatePayment"),
    (
        "initiating_party",
        "a transfer-level initiating party has no field (input.message.initiatingParty is the group's)",
    ),
    ("instructing_agent", "instructing agent (interbank) has no field in initiatePayment"),
    ("instructed_agent", "instructed agent (interbank) has no field in initiatePayment"),
];

/// The `InitiatePaymentInput` JSON (GraphQL names) for one transfer of a payment order, and
/// what it could not carry. `path` is the transfer's JSON pointer in `canonical:json`.
pub(crate) fn input_json_for_transfer(
    transfer: &CreditTransfer,
    group: Option<(&GroupHeader, &PaymentBatch)>,
    path: &str,
    losses: &mut Vec<Loss>,
) -> Result<Value, EncodeError> {
    let Value::Object(mut map) = to_json(transfer, path)? else {
        return Err(EncodeError::unrepresentable(path, "a transfer is not a JSON object"));
    };
    for (key, why) in TRANSFER_UNCARRIED {
        if map.remove(*key).is_some() {
            losses.push(Loss::dropped(format!("{path}/{key}"), *why));
        }
    }
    if let Some(Value::Object(mut ids)) = map.remove("ids") {
        for key in ["transaction_id", "clearing_system_reference"] {
            if ids.remove(key).is_some() {
                losses.push(Loss::dropped(format!("{path}/ids/{key}"), "initiatePayment has no field for it"));
            }
        }
        map.append(&mut ids);
    }
    match map.remove("instructed_amount") {
        Some(amount) => {
            map.insert("amount".to_owned(), amount);
        }
        None => {
            return Err(EncodeError::unrepresentable(
                format!("{path}/instructed_amount"),
                "initiatePayment needs the instructed amount",
            ));
        }
    }
    if let Some(Value::String(bearer)) = map.get_mut("charge_bearer") {
        let code = transfer.charge_bearer.map(|b| b.iso_code()).unwrap_or_default();
        *bearer = code.to_owned();
    }
    if let Some(Value::Object(payment_type)) = map.get_mut("payment_type")
        && let Some(Value::String(priority)) = payment_type.get_mut("instruction_priority")
    {
        *priority = priority.to_uppercase();
    }
    let extensions = map.remove("extensions");
    let mut object = match camelize(Value::Object(map)) {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    if let Some(Value::Object(extensions)) = extensions {
        let list = extensions
            .into_iter()
            .map(|(key, value)| {
                let mut entry = Map::new();
                entry.insert("key".to_owned(), Value::String(key));
                entry.insert("value".to_owned(), value);
                Value::Object(entry)
            })
            .collect();
        object.insert("extensions".to_owned(), Value::Array(list));
    }
    if let Some((header, batch)) = group {
        object.insert("message".to_owned(), message_json(header, batch)?);
    }
    let value = Value::Object(object);
    // What we write must be what the schema reads: read it back with the schema's own type.
    serde_json::from_value::<InitiatePaymentInput>(value.clone())
        .map_err(|e| EncodeError::unrepresentable(path, format!("the GraphQL input would be invalid: {e}")))?;
    Ok(value)
}

/// `input.message` for a transfer of `batch` in a message with `header`; header fields the
/// schema has no place for are reported once per message by [`header_losses`].
fn message_json(header: &GroupHeader, batch: &PaymentBatch) -> Result<Value, EncodeError> {
    let mut map = Map::new();
    map.insert("id".to_owned(), Value::String(header.message_id.as_str().to_owned()));
    map.insert("createdAt".to_owned(), Value::String(header.created.to_string()));
    if let Some(party) = &header.initiating_party {
        map.insert("initiatingParty".to_owned(), camelize(to_json(party, "/header/initiating_party")?));
    }
    if let Some(agent) = &header.forwarding_agent {
        map.insert("forwardingAgent".to_owned(), camelize(to_json(agent, "/header/forwarding_agent")?));
    }
    map.insert("paymentInformationId".to_owned(), Value::String(batch.id.as_str().to_owned()));
    if let Some(booking) = batch.batch_booking {
        map.insert("batchBooking".to_owned(), Value::Bool(booking));
    }
    Ok(Value::Object(map))
}

/// Losses of a group header written as `input.message`, reported once per message.
pub(crate) fn header_losses(header: &GroupHeader, path: &str, losses: &mut Vec<Loss>) {
    let GroupHeader {
        message_id: _,
        created: _,
        initiating_party: _,
        forwarding_agent: _,
        instructing_agent,
        instructed_agent,
        recipient,
        additional_info,
        business_header,
    } = header;
    let mut drop = |present: bool, key: &str| {
        if present {
            losses.push(Loss::dropped(format!("{path}/{key}"), "initiatePayment's input.message has no field for it"));
        }
    };
    drop(instructing_agent.is_some(), "instructing_agent");
    drop(instructed_agent.is_some(), "instructed_agent");
    drop(recipient.is_some(), "recipient");
    drop(additional_info.is_some(), "additional_info");
    drop(business_header.is_some(), "business_header");
}

/// Losses of a batch: GraphQL initiates credit transfers only.
pub(crate) fn batch_losses(batch: &PaymentBatch, path: &str, losses: &mut Vec<Loss>) {
    if batch.method != PaymentMethod::Transfer {
        losses.push(Loss::approximated(
            format!("{path}/method"),
            "initiatePayment initiates credit transfers; the payment method is written as a transfer",
        ));
    }
}
