//! The `graphql:payglot` codec: GraphQL requests for `initiatePayment` ↔ canonical
//! `PaymentInitiation`, and GraphQL responses (`data.initiatePayment`, `data.payment`,
//! `userErrors`, top-level `errors`) ↔ canonical `StatusReport`.
//!
//! A request is the JSON body of a GraphQL-over-HTTP POST. Its document is checked with the
//! same pre-parse limits as the server ([`crate::limits`]), parsed with async-graphql's parser,
//! and every top-level field of the chosen mutation must be `initiatePayment` (aliases,
//! fragments on `Mutation`, `@skip`/`@include` and variables with defaults are understood).
//! One field is one transfer; several (aliased) fields are the transfers of one message. The
//! `input` argument is read with the schema's own input types, so the codec accepts exactly
//! what the server accepts, then validated by the canonical model (see [`crate::convert`]).

use std::collections::HashSet;

use async_graphql::parser::Positioned;
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, Field, OperationDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql_value::{ConstValue, Name, Value as GqlValue};
use payglot_core_model::{CodeOrProprietary, EndToEndId, InstructionId, PaymentInfoId, StatusReason, money};
use payglot_core_model::{
    Codec, Currency, DateOrDateTime, DateTime, DecodeError, DecodeLimits, Decoded, EncodeError, EncodeOptions, Encoded,
    Format, GroupHeader, IdempotencyKey, Location, Loss, Max35Text, Message, Money, PaymentBatch, PaymentInitiation,
    PaymentMethod, PaymentStatus, StatusReasonInfo, StatusReport, Text, TransactionStatus, Uetr,
};
use serde_json::{Map, Value, json};

use crate::convert::{
    GroupInfo, Initiation, batch_losses, header_losses, initiation_from_input, input_json_for_transfer,
};
use crate::input::InitiatePaymentInput;
use crate::limits::{DocumentError, Limits, check_document};
use crate::schema::{reason_message, reason_outcome};
use payglot_core_model::json::StrictValue;

/// The `graphql:payglot` codec.
#[derive(Debug, Clone, Copy, Default)]
pub struct GraphqlCodec;

/// The document the encoder writes for a message with one transfer.
pub const REQUEST_DOCUMENT: &str = "mutation InitiatePayment($input: InitiatePaymentInput!, $idempotencyKey: String!) {
  initiatePayment(input: $input, idempotencyKey: $idempotencyKey) {
    ...InitiatePaymentResult
  }
}

fragment InitiatePaymentResult on InitiatePaymentPayload {
  payment { id status statusReportId statusUpdatedAt }
  replayed
  userErrors { field code message }
}
";

const RESULT_FRAGMENT: &str = "fragment InitiatePaymentResult on InitiatePaymentPayload {
  payment { id status statusReportId statusUpdatedAt }
  replayed
  userErrors { field code message }
}
";

/// The outer JSON of a request or a response.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    #[serde(default)]
    query: Option<String>,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<StrictValue>,
    #[serde(default)]
    extensions: Option<StrictValue>,
    #[serde(default)]
    data: Option<StrictValue>,
    #[serde(default)]
    errors: Option<StrictValue>,
}

/// `graphql:payglot` when `input` looks like a GraphQL request for `initiatePayment` or a
/// response of payglot's schema; a cheap look at the bytes for the facade's `detect()`.
pub fn sniff(input: &[u8]) -> Option<Format> {
    let text = std::str::from_utf8(input.get(..input.len().min(64 << 10))?).ok()?;
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        return None;
    }
    let request = text.contains("\"query\"") && text.contains("initiatePayment");
    let response =
        text.contains("\"data\"") && (text.contains("\"initiatePayment\"") || text.contains("\"statusReportId\""));
    (request || response).then_some(Format::GRAPHQL_PAYGLOT)
}

/// Decode arbitrary bytes with default limits, ignoring the result: the entry point of the
/// fuzz target (`fuzz/fuzz_targets/graphql_request.rs`). Never panics.
pub fn fuzz_decode(data: &[u8]) {
    let _ = GraphqlCodec.decode(data, &DecodeLimits::default());
    if let Ok(query) = std::str::from_utf8(data) {
        let _ = check_document(query, &Limits::default());
    }
}

impl Codec for GraphqlCodec {
    fn format(&self) -> Format {
        Format::GRAPHQL_PAYGLOT
    }

    fn decode(&self, input: &[u8], limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
        let body: Body = payglot_core_model::json::from_slice(input, limits)?;
        if let Some(query) = body.query.as_deref() {
            if body.data.is_some() || body.errors.is_some() {
                return Err(DecodeError::invalid(Location::path(""), "a body with both `query` and `data`/`errors`"));
            }
            return decode_request(query, &body, limits);
        }
        if body.data.is_some() || body.errors.is_some() {
            if body.variables.is_some() || body.operation_name.is_some() {
                return Err(DecodeError::invalid(Location::path(""), "a response with request fields"));
            }
            return decode_response(&body, limits);
        }
        Err(DecodeError::unsupported(
            Location::path(""),
            "not a GraphQL request (`query`) or response (`data`, `errors`)",
        ))
    }

    fn encode(&self, message: &Message, _opts: &EncodeOptions) -> Result<Encoded, EncodeError> {
        match message {
            Message::PaymentInitiation(initiation) => encode_request(initiation),
            Message::StatusReport(report) => encode_response(report),
            other => Err(EncodeError::unrepresentable(
                format!("/message/{}", other.kind()),
                "graphql:payglot carries payment initiations (requests) and status reports (responses) only",
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Requests

fn query_location(pos: async_graphql::Pos) -> Location {
    Location::at("/query", pos.line as u64, pos.column as u64)
}

fn document_error(error: DocumentError) -> DecodeError {
    use payglot_core_model::outcome::Condition;
    let location = error.pos.map_or_else(|| Location::path("/query"), query_location);
    match error.condition {
        Condition::MalformedRequest => DecodeError::syntax(location, error.message),
        Condition::InvalidRequest if error.message.contains("cycle") || error.message.contains("unknown fragment") => {
            DecodeError::invalid(location, error.message)
        }
        _ => DecodeError::limit(location, error.message),
    }
}

/// The key the encoder writes for transfer `index` of `count` in a message: the message id,
/// suffixed `/n` when there are several, with characters a key may not hold percent-encoded.
fn idempotency_key_for(message_id: &str, index: usize, count: usize) -> String {
    let mut key = String::with_capacity(message_id.len() + 4);
    for byte in message_id.bytes() {
        if byte.is_ascii_graphic() && byte != b'%' {
            key.push(char::from(byte));
        } else {
            key.push_str(&format!("%{byte:02X}"));
        }
    }
    if count > 1 {
        key.push_str(&format!("/{}", index + 1));
    }
    key
}

fn decode_request(query: &str, body: &Body, limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let document_limits = Limits {
        max_request_bytes: limits.max_bytes,
        max_document_bytes: limits.max_bytes,
        max_nesting: limits.max_depth,
        max_aliases: limits.max_repeats,
        max_expanded_fields: limits.max_repeats,
        ..Limits::default()
    };
    let document = check_document(query, &document_limits).map_err(document_error)?;
    let operation = select_operation(&document, body.operation_name.as_deref())?;
    if operation.node.ty != OperationType::Mutation {
        return Err(DecodeError::unsupported(
            query_location(operation.pos),
            "not a payglot operation: graphql:payglot translates the `initiatePayment` mutation",
        ));
    }
    let variables = match body.variables.as_ref().map(|v| &v.0) {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(DecodeError::invalid(Location::path("/variables"), "`variables` must be an object")),
    };
    let mut losses = Vec::new();
    if body.extensions.as_ref().is_some_and(|e| !e.0.is_null() && e.0 != json!({})) {
        losses.push(Loss::dropped("/extensions", "request extensions have no place in the canonical model"));
    }
    let resolver = Variables { operation: &operation.node, values: &variables };
    let mut fields = Vec::new();
    collect_fields(&document, &operation.node.selection_set, &resolver, &mut fields)?;
    if fields.is_empty() {
        return Err(DecodeError::invalid(query_location(operation.pos), "the mutation selects no `initiatePayment`"));
    }
    if fields.len() > limits.max_repeats {
        return Err(DecodeError::limit(query_location(operation.pos), "too many `initiatePayment` fields"));
    }
    let mut seen_keys = HashSet::new();
    let mut items = Vec::with_capacity(fields.len());
    for field in &fields {
        let response_key = field.node.response_key().node.as_str();
        if !seen_keys.insert(response_key) {
            return Err(DecodeError::invalid(
                query_location(field.pos),
                format!("two `initiatePayment` fields answer as `{response_key}`"),
            ));
        }
        items.push(decode_field(field, &resolver)?);
    }
    let count = items.len();
    let mut header: Option<GroupHeader> = None;
    let mut batches: Vec<PaymentBatch> = Vec::new();
    for (index, (key, path, initiation)) in items.into_iter().enumerate() {
        let Initiation { group, transfer } = initiation;
        let group = match (group, transport(limits)) {
            (Some(group), _) => group,
            (None, Some(transport)) => group_from_transport(transport, &path)?,
            (None, None) => {
                return Err(DecodeError::invalid(
                    Location::path(format!("{path}/input")),
                    "missing field `message`: the canonical model needs the message id and creation time; \
                     give them in the request (input.message { id, createdAt }) or as the transport context \
                     (CLI --message-id and --created; DecodeLimits::with_transport)",
                ));
            }
        };
        match &header {
            None => header = Some(group.header.clone()),
            Some(first) if *first != group.header => {
                return Err(DecodeError::invalid(
                    Location::path(format!("{path}/input/message")),
                    "every `initiatePayment` of one request must carry the same message (id, creation time, parties)",
                ));
            }
            Some(_) => {}
        }
        let expected_key = idempotency_key_for(group.header.message_id.as_str(), index, count);
        if key.as_str() != expected_key {
            losses.push(Loss::dropped(
                format!("{path}/idempotencyKey"),
                "the idempotency key has no place in the canonical model",
            ));
        }
        match batches.iter_mut().find(|b| b.id == group.batch_id) {
            Some(batch) => {
                if batch.batch_booking != group.batch_booking {
                    return Err(DecodeError::invalid(
                        Location::path(format!("{path}/input/message/batchBooking")),
                        "payments of one batch disagree on batch booking",
                    ));
                }
                batch.transfers.push(transfer);
            }
            None => batches.push(PaymentBatch {
                id: group.batch_id,
                method: PaymentMethod::Transfer,
                batch_booking: group.batch_booking,
                transfers: vec![transfer],
            }),
        }
    }
    let header = header.ok_or_else(|| DecodeError::invalid(Location::path("/query"), "no payment"))?;
    Ok(Decoded { message: Message::PaymentInitiation(PaymentInitiation { header, batches }), losses })
}

/// The header the transport gives (message id and time), when the caller gave one.
fn transport(limits: &DecodeLimits) -> Option<GroupHeader> {
    limits.transport.as_ref().map(|t| GroupHeader::new(t.message_id.clone(), t.time))
}

/// The group of a request without `input.message`: the transport's message id and time, one
/// batch named after the message.
fn group_from_transport(transport: GroupHeader, path: &str) -> Result<GroupInfo, DecodeError> {
    let header = transport;
    let batch_id = checked(PaymentInfoId::new(header.message_id.as_str()), &format!("{path}/input"))?;
    Ok(GroupInfo { header, batch_id, batch_booking: None })
}

fn select_operation<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Result<&'a Positioned<OperationDefinition>, DecodeError> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Ok(operation),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).ok_or_else(|| {
            DecodeError::invalid(Location::path("/operationName"), format!("no operation named `{name}`"))
        }),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().ok_or_else(|| DecodeError::invalid(Location::path("/query"), "no operation"))
        }
        (DocumentOperations::Multiple(_), None) => Err(DecodeError::invalid(
            Location::path("/operationName"),
            "the document has several operations and no `operationName`",
        )),
    }
}

/// Variable values of one operation: given in the request, else the definition's default.
struct Variables<'a> {
    operation: &'a OperationDefinition,
    values: &'a Map<String, Value>,
}

impl Variables<'_> {
    fn resolve(&self, value: &Positioned<GqlValue>) -> Result<ConstValue, DecodeError> {
        let mut failure = None;
        let resolved = value.node.clone().into_const_with(|name: Name| {
            let definition = self.operation.variable_definitions.iter().find(|d| d.node.name.node == name);
            let Some(definition) = definition else {
                failure = Some(format!("variable `${name}` is not defined by the operation"));
                return Err(());
            };
            if let Some(given) = self.values.get(name.as_str()) {
                return ConstValue::from_json(given.clone()).map_err(|e| {
                    failure = Some(format!("variable `${name}`: {e}"));
                });
            }
            match definition.node.default_value() {
                Some(default) => Ok(default.clone()),
                None => {
                    failure = Some(format!("variable `${name}` is not given"));
                    Err(())
                }
            }
        });
        resolved.map_err(|()| {
            DecodeError::invalid(query_location(value.pos), failure.unwrap_or_else(|| "unresolved variable".to_owned()))
        })
    }

    /// Whether `@skip`/`@include` keep the selection; other directives are refused.
    fn keeps(&self, directives: &[Positioned<async_graphql::parser::types::Directive>]) -> Result<bool, DecodeError> {
        let mut keep = true;
        for directive in directives {
            let name = directive.node.name.node.as_str();
            let include = match name {
                "skip" => false,
                "include" => true,
                other => {
                    return Err(DecodeError::unsupported(
                        query_location(directive.pos),
                        format!("directive `@{other}` is not supported here"),
                    ));
                }
            };
            let condition = directive
                .node
                .get_argument("if")
                .ok_or_else(|| DecodeError::invalid(query_location(directive.pos), format!("`@{name}` needs `if`")))?;
            let ConstValue::Boolean(value) = self.resolve(condition)? else {
                return Err(DecodeError::invalid(
                    query_location(condition.pos),
                    format!("`@{name}(if:)` must be a Boolean"),
                ));
            };
            if value != include {
                keep = false;
            }
        }
        Ok(keep)
    }
}

/// The top-level fields of the mutation, fragments expanded (cycles were refused by
/// `check_document`, which also bounds the expanded size).
fn collect_fields<'a>(
    document: &'a ExecutableDocument,
    set: &'a Positioned<SelectionSet>,
    variables: &Variables<'_>,
    out: &mut Vec<&'a Positioned<Field>>,
) -> Result<(), DecodeError> {
    for selection in &set.node.items {
        if !variables.keeps(selection.node.directives())? {
            continue;
        }
        match &selection.node {
            Selection::Field(field) => {
                let name = field.node.name.node.as_str();
                if name == "__typename" {
                    continue;
                }
                if name != "initiatePayment" {
                    return Err(DecodeError::unsupported(
                        query_location(field.pos),
                        format!(
                            "`{name}` is not a payglot operation: graphql:payglot translates `initiatePayment` mutations"
                        ),
                    ));
                }
                out.push(field);
            }
            Selection::InlineFragment(fragment) => {
                if let Some(condition) = &fragment.node.type_condition
                    && condition.node.on.node.as_str() != "Mutation"
                {
                    return Err(DecodeError::invalid(query_location(condition.pos), "a fragment not on `Mutation`"));
                }
                collect_fields(document, &fragment.node.selection_set, variables, out)?;
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                let fragment = document.fragments.get(name).ok_or_else(|| {
                    DecodeError::invalid(query_location(spread.pos), format!("unknown fragment `{name}`"))
                })?;
                if fragment.node.type_condition.node.on.node.as_str() != "Mutation" {
                    return Err(DecodeError::invalid(
                        query_location(fragment.pos),
                        format!("fragment `{name}` is not on `Mutation`"),
                    ));
                }
                collect_fields(document, &fragment.node.selection_set, variables, out)?;
            }
        }
    }
    Ok(())
}

/// One `initiatePayment` field: its idempotency key, its path for messages, its initiation.
fn decode_field(
    field: &Positioned<Field>,
    variables: &Variables<'_>,
) -> Result<(IdempotencyKey, String, Initiation), DecodeError> {
    let path = format!("/query/{}", field.node.response_key().node.as_str());
    let mut input = None;
    let mut key = None;
    for (name, value) in &field.node.arguments {
        let slot = match name.node.as_str() {
            "input" => &mut input,
            "idempotencyKey" => &mut key,
            other => {
                return Err(DecodeError::unknown_field(query_location(name.pos), other));
            }
        };
        if slot.is_some() {
            return Err(DecodeError::duplicate_field(query_location(name.pos), name.node.as_str()));
        }
        *slot = Some(variables.resolve(value)?);
    }
    let input = input.ok_or_else(|| DecodeError::missing_field(query_location(field.pos), "input"))?;
    let key = match key {
        Some(ConstValue::String(text)) => IdempotencyKey::parse(&text)
            .map_err(|e| DecodeError::invalid_value(Location::path(format!("{path}/idempotencyKey")), &e))?,
        Some(_) => {
            return Err(DecodeError::invalid(Location::path(format!("{path}/idempotencyKey")), "must be a String"));
        }
        None => return Err(DecodeError::missing_field(query_location(field.pos), "idempotencyKey")),
    };
    let json =
        input.into_json().map_err(|e| DecodeError::invalid(Location::path(format!("{path}/input")), e.to_string()))?;
    let input: InitiatePaymentInput = serde_path_to_error::deserialize(json).map_err(|e| {
        let pointer = pointer(e.path());
        DecodeError::invalid(Location::path(format!("{path}/input{pointer}")), strip_position(&e.inner().to_string()))
    })?;
    let initiation = initiation_from_input(&input)
        .map_err(|e| DecodeError::invalid(Location::path(format!("{path}/{}", e.field.join("/"))), e.message))?;
    Ok((key, path, initiation))
}

fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => out.push_str(&format!("/{key}")),
            Segment::Enum { variant } => out.push_str(&format!("/{variant}")),
            Segment::Unknown => {}
        }
    }
    out
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message.get(..at).unwrap_or(message).to_owned(),
        None => message.to_owned(),
    }
}

fn encode_request(initiation: &PaymentInitiation) -> Result<Encoded, EncodeError> {
    let root = "/message/payment_initiation";
    let mut losses = Vec::new();
    header_losses(&initiation.header, &format!("{root}/header"), &mut losses);
    let mut inputs = Vec::new();
    for (b, batch) in initiation.batches.iter().enumerate() {
        batch_losses(batch, &format!("{root}/batches/{b}"), &mut losses);
        for (t, transfer) in batch.transfers.iter().enumerate() {
            let path = format!("{root}/batches/{b}/transfers/{t}");
            inputs.push(input_json_for_transfer(transfer, Some((&initiation.header, batch)), &path, &mut losses)?);
        }
    }
    if inputs.is_empty() {
        return Err(EncodeError::unrepresentable(format!("{root}/batches"), "a payment initiation without transfers"));
    }
    let count = inputs.len();
    let message_id = initiation.header.message_id.as_str();
    let mut variables = Map::new();
    let query = if count == 1 {
        variables.insert("input".to_owned(), inputs.pop().unwrap_or(Value::Null));
        variables.insert("idempotencyKey".to_owned(), Value::String(idempotency_key_for(message_id, 0, 1)));
        REQUEST_DOCUMENT.to_owned()
    } else {
        let mut definitions = Vec::with_capacity(count * 2);
        let mut fields = String::new();
        for (index, input) in inputs.into_iter().enumerate() {
            definitions.push(format!("$input{index}: InitiatePaymentInput!"));
            definitions.push(format!("$idempotencyKey{index}: String!"));
            fields.push_str(&format!(
                "  p{index}: initiatePayment(input: $input{index}, idempotencyKey: $idempotencyKey{index}) {{\n    ...InitiatePaymentResult\n  }}\n"
            ));
            variables.insert(format!("input{index}"), input);
            variables
                .insert(format!("idempotencyKey{index}"), Value::String(idempotency_key_for(message_id, index, count)));
        }
        format!("mutation InitiatePayment({}) {{\n{fields}}}\n\n{RESULT_FRAGMENT}", definitions.join(", "))
    };
    let body = json!({"query": query, "operationName": "InitiatePayment", "variables": Value::Object(variables)});
    finish(&body, losses)
}

fn finish(body: &Value, losses: Vec<Loss>) -> Result<Encoded, EncodeError> {
    let mut bytes = serde_json::to_vec_pretty(body).map_err(|e| EncodeError::unrepresentable("", e.to_string()))?;
    bytes.push(b'\n');
    Ok(Encoded { bytes, losses })
}

// ---------------------------------------------------------------------------------------------
// Responses

/// A `Payment` object of a response, with the fields a status report carries.
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PaymentJson {
    #[serde(default, rename = "__typename")]
    _typename: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    status_reasons: Option<Vec<ReasonJson>>,
    #[serde(default)]
    status_report_id: Option<String>,
    #[serde(default)]
    status_updated_at: Option<String>,
    #[serde(default)]
    end_to_end_id: Option<String>,
    #[serde(default)]
    instruction_id: Option<String>,
    #[serde(default)]
    uetr: Option<String>,
    #[serde(default)]
    amount: Option<MoneyJson>,
    #[serde(default)]
    requested_execution_date: Option<String>,
    #[serde(default)]
    requested_execution_date_time: Option<String>,
    #[serde(default)]
    accepted_at: Option<String>,
    #[serde(default)]
    extensions: Option<Vec<ExtensionJson>>,
    // Fields of the schema a status report has no place for.
    #[serde(default)]
    status_history: Option<StrictValue>,
    #[serde(default)]
    created_at: Option<StrictValue>,
    #[serde(default)]
    charge_bearer: Option<StrictValue>,
    #[serde(default)]
    debtor: Option<StrictValue>,
    #[serde(default)]
    debtor_account: Option<StrictValue>,
    #[serde(default)]
    debtor_agent: Option<StrictValue>,
    #[serde(default)]
    creditor: Option<StrictValue>,
    #[serde(default)]
    creditor_account: Option<StrictValue>,
    #[serde(default)]
    creditor_agent: Option<StrictValue>,
    #[serde(default)]
    remittance_information: Option<StrictValue>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ReasonJson {
    #[serde(default, rename = "__typename")]
    _typename: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    proprietary: Option<String>,
    #[serde(default)]
    mapped_code: Option<String>,
    #[serde(default)]
    additional_info: Option<Vec<String>>,
    // Derived from the code; not data of their own.
    #[serde(default, rename = "definition")]
    _definition: Option<StrictValue>,
    #[serde(default, rename = "errorCode")]
    _error_code: Option<StrictValue>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MoneyJson {
    value: StrictValue,
    currency: String,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct ExtensionJson {
    key: String,
    value: String,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UserErrorJson {
    #[serde(default, rename = "__typename")]
    _typename: Option<String>,
    #[serde(default)]
    field: Option<Vec<String>>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PayloadJson {
    #[serde(default, rename = "__typename")]
    _typename: Option<String>,
    #[serde(default)]
    payment: Option<StrictValue>,
    #[serde(default)]
    replayed: Option<bool>,
    #[serde(default)]
    user_errors: Option<Vec<UserErrorJson>>,
}

fn typed<T: serde::de::DeserializeOwned>(value: Value, path: &str) -> Result<T, DecodeError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer(e.path());
        DecodeError::invalid(Location::path(format!("{path}{pointer}")), strip_position(&e.inner().to_string()))
    })
}

fn checked<T, E: std::fmt::Display>(result: Result<T, E>, path: &str) -> Result<T, DecodeError> {
    result.map_err(|e| DecodeError::invalid(Location::path(path), e.to_string()))
}

/// A failure a response reports instead of (or beside) a payment: a top-level error or a
/// user error of a payload without a payment.
struct Failure {
    /// JSON pointer of the error object.
    path: String,
    /// `extensions.code` (`code` of a user error).
    code: Option<String>,
    /// The message.
    message: String,
    /// `extensions.paymentId`, when the error names the payment.
    payment_id: Option<String>,
    /// `extensions.endToEndId`, when the error names the end-to-end id.
    end_to_end_id: Option<String>,
}

fn error_summary(errors: &[Failure]) -> String {
    errors
        .iter()
        .map(|f| format!("{}: {}", f.code.as_deref().unwrap_or("UNKNOWN"), f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A top-level GraphQL error: `message`, `extensions { code, paymentId, endToEndId, ... }`;
/// what a status report has no place for is a loss.
fn top_level_failure(error: &Value, path: String, losses: &mut Vec<Loss>) -> Result<Failure, DecodeError> {
    let Value::Object(object) = error else {
        return Err(DecodeError::invalid(Location::path(path), "an error must be an object"));
    };
    let text = |value: Option<&Value>, key: &str| -> Result<Option<String>, DecodeError> {
        match value {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(DecodeError::invalid(Location::path(format!("{path}/{key}")), "must be a string")),
        }
    };
    let message = text(object.get("message"), "message")?.unwrap_or_default();
    let mut failure = Failure { path: path.clone(), code: None, message, payment_id: None, end_to_end_id: None };
    for (key, value) in object {
        match key.as_str() {
            "message" => {}
            "extensions" => {
                let Value::Object(extensions) = value else {
                    return Err(DecodeError::invalid(
                        Location::path(format!("{path}/extensions")),
                        "must be an object",
                    ));
                };
                for (name, value) in extensions {
                    let at = format!("extensions/{name}");
                    match name.as_str() {
                        "code" => failure.code = text(Some(value), &at)?,
                        "paymentId" => failure.payment_id = text(Some(value), &at)?,
                        "endToEndId" => failure.end_to_end_id = text(Some(value), &at)?,
                        // The problem type of the code: derived, not data of its own.
                        "type"
                            if extensions
                                .get("code")
                                .and_then(Value::as_str)
                                .is_some_and(|code| value.as_str() == Some(outcome_for_code(code).problem_type)) => {}
                        _ => losses.push(Loss::dropped(
                            format!("{path}/{at}"),
                            "an error extension a status report has no place for",
                        )),
                    }
                }
            }
            "locations" | "path" => {
                losses.push(Loss::dropped(
                    format!("{path}/{key}"),
                    "where the error arose has no place in a status report",
                ));
            }
            _ => {
                losses.push(Loss::dropped(format!("{path}/{key}"), "an error member a status report has no place for"))
            }
        }
    }
    Ok(failure)
}

/// The outcome-table entry whose GraphQL code is `code`: the first exact reason with it, else
/// a condition with it, else the default rejection.
fn outcome_for_code(code: &str) -> payglot_core_model::outcome::Outcome {
    use payglot_core_model::outcome::{self, Condition};
    const CONDITIONS: [Condition; 12] = [
        Condition::Unauthenticated,
        Condition::Forbidden,
        Condition::RateLimited,
        Condition::Unavailable,
        Condition::Timeout,
        Condition::MalformedRequest,
        Condition::InvalidRequest,
        Condition::Conflict,
        Condition::IdempotencyMismatch,
        Condition::NotFound,
        Condition::PayloadTooLarge,
        Condition::Internal,
    ];
    outcome::EXACT
        .iter()
        .map(|(_, o)| *o)
        .chain(CONDITIONS.iter().map(|c| outcome::for_condition(*c)))
        .find(|o| o.graphql_code == code)
        .unwrap_or(outcome::DEFAULT)
}

/// The ISO reason the outcome table gives `code` (the first exact entry with that code).
fn reason_for_code(code: &str) -> Option<StatusReason> {
    payglot_core_model::outcome::EXACT
        .iter()
        .find(|(_, o)| o.graphql_code == code)
        .and_then(|(reason, _)| StatusReason::parse(reason).ok())
}

/// `text` as lines of at most 105 characters (ISO `AddtlInf`), cut at character boundaries;
/// a line the model refuses (control characters) is a loss at `path`.
fn info_lines(text: &str, path: &str, losses: &mut Vec<Loss>) -> Vec<Text<105>> {
    let chars: Vec<char> = text.chars().collect();
    let mut lines = Vec::new();
    for chunk in chars.chunks(105) {
        match Text::<105>::new(chunk.iter().collect::<String>()) {
            Ok(line) => lines.push(line),
            Err(e) => losses.push(Loss::dropped(path, format!("part of the message the model refuses: {e}"))),
        }
    }
    lines
}

/// A response with failures and no payment: one transaction, rejected (or pending, when the
/// outcome table says the outcome is unknown: a timeout, an internal error), with one reason
/// per failure: the GraphQL code as a proprietary reason, mapped to the table's ISO reason.
/// The body has no report id or time: the transport context gives them.
fn failure_report(
    failures: Vec<Failure>,
    limits: &DecodeLimits,
    losses: &mut Vec<Loss>,
) -> Result<Decoded, DecodeError> {
    let Some(header) = transport(limits) else {
        return Err(DecodeError::invalid(
            Location::path(""),
            format!(
                "an error-only response carries no status report id or time: give them as the transport context \
                 (CLI --message-id and --created; DecodeLimits::with_transport) ({})",
                error_summary(&failures)
            ),
        ));
    };
    let mut reasons = Vec::with_capacity(failures.len());
    let mut unknown_outcome = false;
    let mut payment_id: Option<(String, String)> = None;
    let mut end_to_end_id: Option<(String, String)> = None;
    for failure in failures {
        for (slot, value, key) in [
            (&mut payment_id, failure.payment_id, "paymentId"),
            (&mut end_to_end_id, failure.end_to_end_id, "endToEndId"),
        ] {
            let Some(value) = value else { continue };
            match slot {
                None => *slot = Some((value, format!("{}/extensions/{key}", failure.path))),
                Some((first, _)) if *first == value => {}
                Some(_) => losses.push(Loss::dropped(
                    format!("{}/extensions/{key}", failure.path),
                    "a second, different id: one status report transaction has one",
                )),
            }
        }
        let code = failure.code.unwrap_or_default();
        let outcome = outcome_for_code(&code);
        unknown_outcome |= outcome.retry == payglot_core_model::outcome::Retry::QueryStatusFirst;
        let reason = if code.is_empty() {
            None
        } else {
            Some(CodeOrProprietary::Proprietary(checked(
                Max35Text::new(code.clone()),
                &format!("{}/extensions/code", failure.path),
            )?))
        };
        reasons.push(StatusReasonInfo {
            originator: None,
            reason,
            mapped_reason: reason_for_code(&code),
            additional_info: info_lines(&failure.message, &format!("{}/message", failure.path), losses),
        });
    }
    let status_id = payment_id.map(|(id, path)| checked(Max35Text::new(id), &path)).transpose()?;
    let original_end_to_end_id = end_to_end_id.map(|(id, path)| checked(EndToEndId::new(id), &path)).transpose()?;
    let transaction = TransactionStatus {
        status_id,
        original_instruction_id: None,
        original_end_to_end_id,
        original_transaction_id: None,
        original_uetr: None,
        status: Some(if unknown_outcome { PaymentStatus::PDNG } else { PaymentStatus::RJCT }),
        reasons,
        acceptance_time: None,
        original_amount: None,
        original_requested_execution: None,
        extensions: std::collections::BTreeMap::new(),
    };
    let report = StatusReport {
        header,
        original_groups: Vec::new(),
        payment_infos: Vec::new(),
        transactions: vec![transaction],
    };
    Ok(Decoded { message: Message::StatusReport(report), losses: std::mem::take(losses) })
}

fn decode_response(body: &Body, limits: &DecodeLimits) -> Result<Decoded, DecodeError> {
    let mut losses = Vec::new();
    let mut failures: Vec<Failure> = Vec::new();
    if let Some(StrictValue(errors)) = &body.errors {
        let Value::Array(errors) = errors else {
            return Err(DecodeError::invalid(Location::path("/errors"), "`errors` must be a list"));
        };
        for (index, error) in errors.iter().enumerate() {
            failures.push(top_level_failure(error, format!("/errors/{index}"), &mut losses)?);
        }
    }
    let data = match body.data.as_ref().map(|d| &d.0) {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(_) => return Err(DecodeError::invalid(Location::path("/data"), "`data` must be an object")),
    };
    let mut payments = Vec::new();
    for (key, value) in data {
        let path = format!("/data/{key}");
        let object = match value {
            Value::Null => continue,
            Value::Object(object) => object,
            _ => return Err(DecodeError::invalid(Location::path(path), "not a payment or a payload object")),
        };
        let is_payload = object.contains_key("payment") || object.contains_key("userErrors");
        if !is_payload {
            payments.push((path, typed::<PaymentJson>(Value::Object(object), &format!("/data/{key}"))?, Vec::new()));
            continue;
        }
        let payload: PayloadJson = typed(Value::Object(object), &path)?;
        if payload.replayed == Some(true) {
            losses.push(Loss::dropped(format!("{path}/replayed"), "a replayed answer has no place in a status report"));
        }
        let user_errors = payload.user_errors.unwrap_or_default();
        match payload.payment.map(|p| p.0) {
            None | Some(Value::Null) => {
                for (index, error) in user_errors.into_iter().enumerate() {
                    let error_path = format!("{path}/userErrors/{index}");
                    if error.field.is_some() {
                        losses.push(Loss::dropped(
                            format!("{error_path}/field"),
                            "the input field at fault has no place in a status report",
                        ));
                    }
                    failures.push(Failure {
                        path: error_path,
                        code: error.code,
                        message: error.message.unwrap_or_default(),
                        payment_id: None,
                        end_to_end_id: None,
                    });
                }
            }
            Some(payment) => {
                let payment_path = format!("{path}/payment");
                let payment: PaymentJson = typed(payment, &payment_path)?;
                payments.push((payment_path, payment, user_errors));
            }
        }
    }
    if payments.is_empty() {
        if failures.is_empty() {
            return Err(DecodeError::unsupported(
                Location::path("/data"),
                "the response carries no payment and no error, so no status report",
            ));
        }
        return failure_report(failures, limits, &mut losses);
    }
    for failure in &failures {
        losses.push(Loss::dropped(
            failure.path.clone(),
            format!("{}: {}", failure.code.as_deref().unwrap_or("UNKNOWN"), failure.message),
        ));
    }
    let mut header: Option<GroupHeader> = None;
    let mut transactions = Vec::with_capacity(payments.len());
    for (path, payment, user_errors) in payments {
        let report_id = payment
            .status_report_id
            .as_deref()
            .ok_or_else(|| DecodeError::missing_field(Location::path(path.clone()), "statusReportId"))?;
        let updated = payment
            .status_updated_at
            .as_deref()
            .ok_or_else(|| DecodeError::missing_field(Location::path(path.clone()), "statusUpdatedAt"))?;
        let report_id = checked(Max35Text::new(report_id), &format!("{path}/statusReportId"))?;
        let updated = checked(DateTime::parse(updated), &format!("{path}/statusUpdatedAt"))?;
        match &header {
            None => header = Some(GroupHeader::new(report_id.into(), updated)),
            Some(first) => {
                if first.message_id.as_str() != report_id.as_str() || first.created != updated {
                    losses.push(Loss::dropped(
                        format!("{path}/statusReportId"),
                        "a status report has one id and time; this payment's differ from the first's",
                    ));
                }
            }
        }
        transactions.push(transaction_from_json(payment, user_errors, &path, &mut losses)?);
    }
    let header = header.ok_or_else(|| DecodeError::invalid(Location::path("/data"), "no payment"))?;
    let report = StatusReport { header, original_groups: Vec::new(), payment_infos: Vec::new(), transactions };
    Ok(Decoded { message: Message::StatusReport(report), losses })
}

fn transaction_from_json(
    payment: PaymentJson,
    user_errors: Vec<UserErrorJson>,
    path: &str,
    losses: &mut Vec<Loss>,
) -> Result<TransactionStatus, DecodeError> {
    let status = payment.status.as_deref().ok_or_else(|| DecodeError::missing_field(Location::path(path), "status"))?;
    let status = checked(PaymentStatus::parse(status), &format!("{path}/status"))?;
    let mut reasons = Vec::new();
    for (index, reason) in payment.status_reasons.unwrap_or_default().into_iter().enumerate() {
        let reason_path = format!("{path}/statusReasons/{index}");
        let code = match (reason.code, reason.proprietary) {
            (Some(code), None) => Some(CodeOrProprietary::Code(checked(StatusReason::parse(&code), &reason_path)?)),
            (None, Some(text)) => Some(CodeOrProprietary::Proprietary(checked(Max35Text::new(text), &reason_path)?)),
            (None, None) => None,
            (Some(_), Some(_)) => {
                return Err(DecodeError::invalid(Location::path(reason_path), "both `code` and `proprietary`"));
            }
        };
        let mapped_reason = reason.mapped_code.map(|c| checked(StatusReason::parse(&c), &reason_path)).transpose()?;
        let additional_info = reason
            .additional_info
            .unwrap_or_default()
            .into_iter()
            .map(|line| checked(Text::<105>::new(line), &format!("{reason_path}/additionalInfo")))
            .collect::<Result<_, _>>()?;
        reasons.push(StatusReasonInfo { originator: None, reason: code, mapped_reason, additional_info });
    }
    for (index, error) in user_errors.iter().enumerate() {
        let derived = error.field.is_none()
            && reasons.iter().any(|r| error.code.as_deref() == Some(reason_outcome(r).graphql_code));
        let generic = error.field.is_none()
            && reasons.is_empty()
            && status == PaymentStatus::RJCT
            && error.code.as_deref() == Some(payglot_core_model::outcome::DEFAULT.graphql_code);
        if !derived && !generic {
            losses.push(Loss::dropped(
                format!("{path}/../userErrors/{index}"),
                format!(
                    "{}: {}",
                    error.code.as_deref().unwrap_or("UNKNOWN"),
                    error.message.as_deref().unwrap_or_default()
                ),
            ));
        }
    }
    let amount = match payment.amount {
        None => None,
        Some(MoneyJson { value: StrictValue(Value::String(value)), currency }) => {
            let amount_path = format!("{path}/amount");
            let decimal = checked(money::parse_decimal(&value), &amount_path)?;
            let currency = checked(Currency::parse(&currency), &amount_path)?;
            Some(checked(Money::new(decimal, currency), &amount_path)?)
        }
        Some(_) => {
            return Err(DecodeError::invalid(
                Location::path(format!("{path}/amount/value")),
                "amount must be a decimal string such as \"10.50\", not a number",
            ));
        }
    };
    let requested = match (payment.requested_execution_date, payment.requested_execution_date_time) {
        (Some(date), None) => Some(DateOrDateTime::Date(checked(
            payglot_core_model::datetime::parse_date(&date),
            &format!("{path}/requestedExecutionDate"),
        )?)),
        (None, Some(value)) => Some(DateOrDateTime::DateTime(checked(
            DateTime::parse(&value),
            &format!("{path}/requestedExecutionDateTime"),
        )?)),
        (None, None) => None,
        (Some(_), Some(_)) => {
            return Err(DecodeError::invalid(Location::path(path), "both a requested execution date and date-time"));
        }
    };
    let mut extensions = std::collections::BTreeMap::new();
    for (index, extension) in payment.extensions.unwrap_or_default().into_iter().enumerate() {
        if extensions.insert(extension.key, extension.value).is_some() {
            return Err(DecodeError::invalid(
                Location::path(format!("{path}/extensions/{index}")),
                "duplicate extension key",
            ));
        }
    }
    for (present, key) in [
        (payment.status_history.is_some(), "statusHistory"),
        (payment.created_at.is_some(), "createdAt"),
        (payment.charge_bearer.is_some(), "chargeBearer"),
        (payment.debtor.is_some(), "debtor"),
        (payment.debtor_account.is_some(), "debtorAccount"),
        (payment.debtor_agent.is_some(), "debtorAgent"),
        (payment.creditor.is_some(), "creditor"),
        (payment.creditor_account.is_some(), "creditorAccount"),
        (payment.creditor_agent.is_some(), "creditorAgent"),
        (payment.remittance_information.is_some(), "remittanceInformation"),
    ] {
        if present {
            losses.push(Loss::dropped(format!("{path}/{key}"), "a status report has no place for it"));
        }
    }
    Ok(TransactionStatus {
        status_id: payment.id.map(|id| checked(Max35Text::new(id), &format!("{path}/id"))).transpose()?,
        original_instruction_id: payment
            .instruction_id
            .map(|id| checked(InstructionId::new(id), &format!("{path}/instructionId")))
            .transpose()?,
        original_end_to_end_id: payment
            .end_to_end_id
            .map(|id| checked(EndToEndId::new(id), &format!("{path}/endToEndId")))
            .transpose()?,
        original_transaction_id: None,
        original_uetr: payment.uetr.map(|u| checked(Uetr::parse(&u), &format!("{path}/uetr"))).transpose()?,
        status: Some(status),
        reasons,
        acceptance_time: payment
            .accepted_at
            .map(|t| checked(DateTime::parse(&t), &format!("{path}/acceptedAt")))
            .transpose()?,
        original_amount: amount,
        original_requested_execution: requested,
        extensions,
    })
}

fn encode_response(report: &StatusReport) -> Result<Encoded, EncodeError> {
    let root = "/message/status_report";
    let mut losses = Vec::new();
    let GroupHeader {
        message_id,
        created,
        initiating_party,
        forwarding_agent,
        instructing_agent,
        instructed_agent,
        recipient,
        additional_info,
        business_header,
    } = &report.header;
    for (present, key) in [
        (initiating_party.is_some(), "initiating_party"),
        (forwarding_agent.is_some(), "forwarding_agent"),
        (instructing_agent.is_some(), "instructing_agent"),
        (instructed_agent.is_some(), "instructed_agent"),
        (recipient.is_some(), "recipient"),
        (additional_info.is_some(), "additional_info"),
        (business_header.is_some(), "business_header"),
    ] {
        if present {
            losses
                .push(Loss::dropped(format!("{root}/header/{key}"), "a GraphQL payment response has no place for it"));
        }
    }
    for index in 0..report.original_groups.len() {
        losses.push(Loss::dropped(
            format!("{root}/original_groups/{index}"),
            "the original message's group status has no place in a GraphQL payment response",
        ));
    }
    let mut transactions: Vec<(String, &TransactionStatus)> =
        report.transactions.iter().enumerate().map(|(i, t)| (format!("{root}/transactions/{i}"), t)).collect();
    for (p, info) in report.payment_infos.iter().enumerate() {
        losses.push(Loss::approximated(
            format!("{root}/payment_infos/{p}"),
            "payment-information blocks are not kept: their transactions are written as payments, their own status and reasons are dropped",
        ));
        transactions.extend(
            info.transactions
                .iter()
                .enumerate()
                .map(|(i, t)| (format!("{root}/payment_infos/{p}/transactions/{i}"), t)),
        );
    }
    if transactions.is_empty() {
        return Err(EncodeError::unrepresentable(
            format!("{root}/transactions"),
            "a GraphQL payment response needs at least one transaction status",
        ));
    }
    let count = transactions.len();
    let mut data = Map::new();
    for (index, (path, transaction)) in transactions.into_iter().enumerate() {
        let payload = payload_json(transaction, message_id.as_str(), created, &path, &mut losses)?;
        let key = if count == 1 { "initiatePayment".to_owned() } else { format!("p{index}") };
        data.insert(key, payload);
    }
    finish(&json!({"data": Value::Object(data)}), losses)
}

fn payload_json(
    transaction: &TransactionStatus,
    report_id: &str,
    created: &DateTime,
    path: &str,
    losses: &mut Vec<Loss>,
) -> Result<Value, EncodeError> {
    let TransactionStatus {
        status_id,
        original_instruction_id,
        original_end_to_end_id,
        original_transaction_id,
        original_uetr,
        status,
        reasons,
        acceptance_time,
        original_amount,
        original_requested_execution,
        extensions,
    } = transaction;
    let status = status
        .as_ref()
        .ok_or_else(|| EncodeError::unrepresentable(format!("{path}/status"), "a GraphQL payment needs a status"))?;
    let mut payment = Map::new();
    if let Some(id) = status_id {
        payment.insert("id".to_owned(), json!(id.as_str()));
    }
    payment.insert("status".to_owned(), json!(status.as_str()));
    let mut reason_list = Vec::new();
    let mut user_errors = Vec::new();
    for (index, reason) in reasons.iter().enumerate() {
        if reason.originator.is_some() {
            losses.push(Loss::dropped(
                format!("{path}/reasons/{index}/originator"),
                "a GraphQL status reason has no originator",
            ));
        }
        let mut object = Map::new();
        match &reason.reason {
            Some(CodeOrProprietary::Code(code)) => {
                object.insert("code".to_owned(), json!(code.as_str()));
            }
            Some(CodeOrProprietary::Proprietary(text)) => {
                object.insert("proprietary".to_owned(), json!(text.as_str()));
            }
            None => {}
        }
        if let Some(mapped) = &reason.mapped_reason {
            object.insert("mappedCode".to_owned(), json!(mapped.as_str()));
        }
        let outcome = reason_outcome(reason);
        object.insert("errorCode".to_owned(), json!(outcome.graphql_code));
        object.insert(
            "additionalInfo".to_owned(),
            Value::Array(reason.additional_info.iter().map(|l| json!(l.as_str())).collect()),
        );
        reason_list.push(Value::Object(object));
        if *status == PaymentStatus::RJCT {
            user_errors.push(
                json!({"field": Value::Null, "code": outcome.graphql_code, "message": reason_message(reason, outcome)}),
            );
        }
    }
    if *status == PaymentStatus::RJCT && reasons.is_empty() {
        let outcome = payglot_core_model::outcome::DEFAULT;
        user_errors.push(json!({"field": Value::Null, "code": outcome.graphql_code, "message": outcome.title}));
    }
    payment.insert("statusReasons".to_owned(), Value::Array(reason_list));
    payment.insert("statusReportId".to_owned(), json!(report_id));
    payment.insert("statusUpdatedAt".to_owned(), json!(created.to_string()));
    if let Some(id) = original_end_to_end_id {
        payment.insert("endToEndId".to_owned(), json!(id.as_str()));
    }
    if let Some(id) = original_instruction_id {
        payment.insert("instructionId".to_owned(), json!(id.as_str()));
    }
    if original_transaction_id.is_some() {
        losses.push(Loss::dropped(
            format!("{path}/original_transaction_id"),
            "a GraphQL payment has no transaction id field",
        ));
    }
    if let Some(uetr) = original_uetr {
        payment.insert("uetr".to_owned(), json!(uetr.to_string()));
    }
    if let Some(amount) = original_amount {
        payment.insert(
            "amount".to_owned(),
            json!({"value": amount.amount().to_string(), "currency": amount.currency().code()}),
        );
    }
    match original_requested_execution {
        Some(DateOrDateTime::Date(date)) => {
            payment.insert("requestedExecutionDate".to_owned(), json!(date.format("%Y-%m-%d").to_string()));
        }
        Some(DateOrDateTime::DateTime(value)) => {
            payment.insert("requestedExecutionDateTime".to_owned(), json!(value.to_string()));
        }
        None => {}
    }
    if let Some(time) = acceptance_time {
        payment.insert("acceptedAt".to_owned(), json!(time.to_string()));
    }
    if !extensions.is_empty() {
        payment.insert(
            "extensions".to_owned(),
            Value::Array(extensions.iter().map(|(k, v)| json!({"key": k, "value": v})).collect()),
        );
    }
    Ok(json!({"payment": Value::Object(payment), "userErrors": user_errors}))
}
