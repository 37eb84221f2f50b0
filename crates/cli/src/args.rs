//! Command-line flags (clap derive). Flags stay plain data here; `commands` turns them into
//! library options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  1  input rejected: malformed, invalid, over a limit, or unsupported
  2  usage error: bad flags, unknown format, unreadable input file
  3  translation refused in strict mode because values would be lost (use --lossy to proceed)";

/// Translate payment messages between REST/JSON, SOAP/XML, ISO 20022 XML and GraphQL.
#[derive(Debug, Parser)]
#[command(name = "payglot", version, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// How to print diagnostics (errors with locations, losses) on stderr.
    #[arg(long, global = true, value_enum, default_value_t = ReportStyle::Text)]
    pub(crate) report: ReportStyle,
    /// What the transport says about the input: bodies such as Berlin Group or Open Banking
    /// requests carry no message id or creation time, HTTP headers do.
    #[command(flatten)]
    pub(crate) transport: TransportArgs,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The message id and creation time of an input whose body does not carry them (Berlin Group,
/// Open Banking, GraphQL requests): both or neither.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct TransportArgs {
    /// Message id of the input, e.g. its `X-Request-ID` header.
    #[arg(long, global = true, requires = "created", value_name = "ID")]
    pub(crate) message_id: Option<String>,
    /// Creation time of the input, e.g. its `Date` header, as `2024-03-01T10:00:00Z`.
    #[arg(long, global = true, requires = "message_id", value_name = "DATETIME")]
    pub(crate) created: Option<String>,
}

/// Diagnostics style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportStyle {
    /// Human-readable lines.
    Text,
    /// One JSON document.
    Json,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Translate a message into another format; the result goes to stdout (or -o), losses to stderr.
    #[command(after_help = EXIT_CODES)]
    Translate {
        /// Input format id, or `auto` to detect it from the content.
        #[arg(long, default_value = "auto")]
        from: String,
        /// Output format id (see `payglot formats`).
        #[arg(long)]
        to: String,
        /// Proceed when values cannot be carried, reporting them, instead of failing.
        #[arg(long)]
        lossy: bool,
        /// Accept ISO 20022 text longer than its schema allows (real files have remittance
        /// over 140 characters, long names): each such value is cut to its maximum length and
        /// reported as a `truncated` loss, so a strict translation still refuses and one with
        /// --lossy proceeds. Every other rule is still checked. Such inputs are read whole
        /// (statements are not streamed), so the size limit applies.
        #[arg(long)]
        lenient_text: bool,
        /// Write the ISO 20022 business application header (head.001.001.02, as AppHdr +
        /// Document in an Envelope) when the message has one; without it the header is
        /// reported as a loss.
        #[arg(long)]
        business_header: bool,
        /// Write the output here instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Input file, or `-` for stdin.
        #[arg(default_value = "-")]
        input: String,
    },
    /// Print the format id of a message, detected from its content.
    #[command(after_help = EXIT_CODES)]
    Detect {
        /// Input file, or `-` for stdin.
        #[arg(default_value = "-")]
        input: String,
    },
    /// Check that messages decode; print each problem with its location.
    #[command(after_help = EXIT_CODES)]
    Validate {
        /// Input format id, or `auto` to detect each file's format.
        #[arg(long, default_value = "auto")]
        from: String,
        /// Files to check.
        #[arg(required = true)]
        inputs: Vec<String>,
    },
    /// List the format ids this build reads and writes, one per line.
    Formats,
    /// Run the payment sandbox: REST, SOAP, ISO 20022 and GraphQL over one store.
    Serve {
        /// Listen address.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        /// SQLite file for the store; `:memory:` for the in-process store (gone when the server
        /// stops), `:sqlite-memory:` for SQLite in memory.
        #[arg(long, default_value = "payglot.db")]
        db: String,
        /// File of API keys, one per line (else `PAYGLOT_API_KEYS`, comma-separated; else one
        /// test key is generated and printed once).
        #[arg(long)]
        keys_file: Option<PathBuf>,
        /// Settle accepted payments at once instead of on the clock (RCVD → ACTC → ACSC).
        #[arg(long)]
        instant: bool,
        /// Requests per second allowed per key.
        #[arg(long, default_value_t = 100)]
        rate_limit: u32,
    },
}
