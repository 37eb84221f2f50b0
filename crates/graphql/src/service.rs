//! [`GraphqlService`]: the schema behind the request checks. Use it rather than the bare
//! schema for anything that arrives over a network: it bounds the body and the document
//! before async-graphql parses them, and gives every top-level error an `extensions.code`
//! from the core outcome table.

use std::sync::Arc;

use async_graphql::{Data, Executor, Request, Response, ServerError, Variables};
use futures_util::stream::{BoxStream, StreamExt};
use payglot_core_model::outcome::{self, Condition};
use payglot_core_model::{DecodeErrorKind, DecodeLimits};

use crate::limits::{DocumentError, Limits, check_document};
use crate::schema::{PayglotSchema, RequestContext, build_schema};
use crate::store::PaymentStore;
use payglot_core_model::json::StrictValue;

/// The executable schema with its limits.
#[derive(Clone)]
pub struct GraphqlService {
    schema: PayglotSchema,
    limits: Limits,
}

impl std::fmt::Debug for GraphqlService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GraphqlService").field("limits", &self.limits).finish_non_exhaustive()
    }
}

/// The JSON body of a GraphQL-over-HTTP POST.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct HttpBody {
    query: String,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<StrictValue>,
    #[serde(default)]
    extensions: Option<StrictValue>,
}

impl GraphqlService {
    /// A service over `store` with `limits`.
    pub fn new(store: Arc<dyn PaymentStore>, limits: Limits) -> Self {
        Self { schema: build_schema(store, &limits), limits }
    }

    /// The schema, for integrations that need it (SDL, an HTTP framework's own handler).
    pub fn schema(&self) -> &PayglotSchema {
        &self.schema
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Execute the JSON body of a GraphQL-over-HTTP POST (`{"query", "variables",
    /// "operationName"}`). The body's size, nesting and duplicate keys are checked before it
    /// is parsed, so 10 MB of variables is refused without being read into a tree.
    pub async fn execute_http(&self, body: &[u8], context: RequestContext) -> Response {
        match self.parse_body(body) {
            Ok(request) => self.execute(request, context).await,
            Err(error) => Response::from_errors(vec![error]),
        }
    }

    /// Like [`execute_http`](Self::execute_http), over `store` instead of the service's own:
    /// the caller's view of a shared store (a sandbox scopes payments to an API key).
    pub async fn execute_http_over(
        &self,
        body: &[u8],
        context: RequestContext,
        store: Arc<dyn PaymentStore>,
    ) -> Response {
        match self.parse_body(body) {
            Ok(request) => self.execute(request.data(store), context).await,
            Err(error) => Response::from_errors(vec![error]),
        }
    }

    fn parse_body(&self, body: &[u8]) -> Result<Request, ServerError> {
        let json_limits = DecodeLimits::default().with_max_bytes(self.limits.max_request_bytes);
        let parsed: HttpBody = payglot_core_model::json::from_slice(body, &json_limits).map_err(|e| {
            let condition = match e.kind() {
                DecodeErrorKind::Limit if body.len() > self.limits.max_request_bytes => Condition::PayloadTooLarge,
                DecodeErrorKind::Syntax => Condition::MalformedRequest,
                _ => Condition::InvalidRequest,
            };
            coded(condition, format!("request body: {e}"), None)
        })?;
        let mut request = Request::new(parsed.query);
        if let Some(name) = parsed.operation_name {
            request = request.operation_name(name);
        }
        match parsed.variables.map(|v| v.0) {
            None | Some(serde_json::Value::Null) => {}
            Some(value @ serde_json::Value::Object(_)) => request = request.variables(Variables::from_json(value)),
            Some(_) => return Err(coded(Condition::InvalidRequest, "`variables` must be an object", None)),
        }
        if parsed.extensions.is_some_and(|e| !e.0.is_null() && e.0 != serde_json::json!({})) {
            return Err(coded(Condition::InvalidRequest, "request extensions are not supported", None));
        }
        Ok(request)
    }

    /// Execute a request after the document checks; `context` says what the caller may see.
    pub async fn execute(&self, request: Request, context: RequestContext) -> Response {
        let request = match self.prepare(request, Some(context)) {
            Ok(request) => request,
            Err(error) => return Response::from_errors(vec![error]),
        };
        with_codes(self.schema.execute(request).await)
    }

    /// Execute a subscription (or any operation) as a stream, after the document checks.
    pub fn execute_stream(&self, request: Request, context: RequestContext) -> BoxStream<'static, Response> {
        self.stream(request, Some(context), None)
    }

    fn stream(
        &self,
        request: Request,
        context: Option<RequestContext>,
        session: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        match self.prepare(request, context) {
            Ok(request) => match session {
                Some(session) => self.schema.execute_stream_with_session_data(request, session).map(with_codes).boxed(),
                None => self.schema.execute_stream(request).map(with_codes).boxed(),
            },
            Err(error) => futures_util::stream::once(async move { Response::from_errors(vec![error]) }).boxed(),
        }
    }

    /// The document checks; `context`, when given, goes into the request's data (where it
    /// wins over a context in the session's data).
    fn prepare(&self, mut request: Request, context: Option<RequestContext>) -> Result<Request, ServerError> {
        let document = check_document(&request.query, &self.limits).map_err(document_error)?;
        request.set_parsed_query(document);
        Ok(match context {
            Some(context) => request.data(context),
            None => request,
        })
    }
}

/// The service as an async-graphql [`Executor`], so HTTP integrations (such as
/// async-graphql-axum's WebSocket handler) run every request through the document checks.
/// What the caller may see, and any per-caller store, come from the session's data (a
/// WebSocket's `connection_init`): put a [`RequestContext`] and an `Arc<dyn PaymentStore>`
/// there. Without them account numbers stay masked and the service's own store answers.
impl Executor for GraphqlService {
    async fn execute(&self, request: Request) -> Response {
        let request = match self.prepare(request, None) {
            Ok(request) => request,
            Err(error) => return Response::from_errors(vec![error]),
        };
        with_codes(self.schema.execute(request).await)
    }

    fn execute_stream(&self, request: Request, session_data: Option<Arc<Data>>) -> BoxStream<'static, Response> {
        self.stream(request, None, session_data)
    }
}

fn coded(condition: Condition, message: impl Into<String>, pos: Option<async_graphql::Pos>) -> ServerError {
    let mut error = ServerError::new(message, pos);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", outcome::for_condition(condition).graphql_code);
    error.extensions = Some(extensions);
    error
}

fn document_error(error: DocumentError) -> ServerError {
    coded(error.condition, error.message, error.pos)
}

/// Give every error without a code the code of an invalid request: async-graphql's own
/// errors are validation and input-coercion failures.
fn with_codes(mut response: Response) -> Response {
    let code = outcome::for_condition(Condition::InvalidRequest).graphql_code;
    for error in &mut response.errors {
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code);
        }
    }
    response
}
