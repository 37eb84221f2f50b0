//! The commands: translate, detect, validate, formats. Each returns its exit code.

use std::io::{Read, Write};
use std::path::Path;

use payglot::model::{DateTime, DecodeLimits, EncodeOptions, Format, MessageId, TransportContext};
use payglot::{Registry, TranslateError, TranslateOptions};
use payglot_iso20022::{Iso20022Codec, IsoMessage};

use crate::args::{Cli, Command, ReportStyle, TransportArgs};
use crate::report::{Problem, Report, emit};
use crate::stream;

/// Exit codes; see the crate docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    Ok = 0,
    Rejected = 1,
    Usage = 2,
    Lossy = 3,
}

pub(crate) fn run(cli: Cli) -> Exit {
    let registry = Registry::standard();
    let limits = match base_limits(&cli.transport) {
        Ok(limits) => limits,
        Err(problem) => {
            emit(cli.report, &[Report { problems: vec![problem], ..Report::default() }]);
            return Exit::Usage;
        }
    };
    match cli.command {
        Command::Translate { from, to, lossy, lenient_text, business_header, output, input } => {
            let mut options = if lossy { TranslateOptions::lossy() } else { TranslateOptions::strict() };
            options.limits = limits;
            options.business_header = business_header;
            let mut registry = registry;
            if lenient_text {
                for message in IsoMessage::ALL {
                    registry.register(Box::new(Iso20022Codec::new(message).lenient_text(true)));
                }
            }
            let input = Input { path: &input, stream: !lenient_text };
            translate(&registry, cli.report, &from, &to, options, output.as_deref(), input)
        }
        Command::Detect { input } => detect(cli.report, &input),
        Command::Validate { from, inputs } => {
            let mut options = TranslateOptions::lossy();
            options.limits = limits;
            validate(&registry, cli.report, &from, options, &inputs)
        }
        Command::Serve { addr, db, keys_file, instant, rate_limit } => serve(addr, &db, keys_file, instant, rate_limit),
        Command::Formats => {
            let mut out = std::io::stdout().lock();
            let written = registry.formats().try_for_each(|f| writeln!(out, "{f}"));
            if written.is_ok() { Exit::Ok } else { Exit::Usage }
        }
    }
}

/// The input of `translate`: a file or `-`, and whether a statement may be streamed.
struct Input<'a> {
    path: &'a str,
    stream: bool,
}

fn translate(
    registry: &Registry,
    style: ReportStyle,
    from: &str,
    to: &str,
    options: TranslateOptions,
    output: Option<&Path>,
    input: Input<'_>,
) -> Exit {
    let Input { path: input, stream } = input;
    let mut report = Report { subject: Some(input.to_owned()), ..Report::default() };
    let outcome = (|| {
        let from = parse_from(from)?;
        let to = Format::parse(to).map_err(|e| (Exit::Usage, Problem::usage(e.to_string())))?;
        // Statements (camt.053/054) to canonical:json or to a camt.053/054 stream: any size,
        // bounded memory.
        let mut taken = Vec::new();
        if stream && stream::streams_to(&to) {
            let encode = EncodeOptions::with_strictness(options.strictness).business_header(options.business_header);
            match translate_streaming(input, from.as_ref(), output, &to, &encode, &options.limits) {
                Streaming::Done(streamed) => return streamed.map(Done::Streamed),
                Streaming::No(prefix) => taken = prefix,
            }
        }
        let bytes = read_input_after(taken, input, &options.limits)?;
        payglot::translate(registry, &bytes, from.as_ref(), &to, &options)
            .map(|translation| Done::Whole(Box::new(translation)))
            .map_err(|e| translate_failure(&e))
    })();
    let exit = match outcome {
        Ok(Done::Streamed(streamed)) => {
            report.format = Some(streamed.format.to_string());
            report.losses = streamed.losses;
            Exit::Ok
        }
        Ok(Done::Whole(translation)) => {
            report.format = Some(translation.from.to_string());
            report.losses = translation.losses().cloned().collect();
            match write_output(output, &translation.bytes) {
                Ok(()) => Exit::Ok,
                Err(problem) => {
                    report.problems.push(problem);
                    Exit::Usage
                }
            }
        }
        Err((exit, problem)) => {
            report.problems.push(problem);
            exit
        }
    };
    if exit != Exit::Ok || !report.losses.is_empty() || style == ReportStyle::Json {
        emit(style, &[report]);
    }
    exit
}

/// A translation done in one piece or streamed (output already written).
enum Done {
    Whole(Box<payglot::Translation>),
    Streamed(stream::Outcome),
}

/// Whether a translation was streamed.
enum Streaming {
    /// Streamed (or failed while streaming).
    Done(Result<stream::Outcome, (Exit, Problem)>),
    /// Not a statement: translate it whole. Holds what was already read from stdin.
    No(Vec<u8>),
}

/// Stream the translation when the input is a camt.053/054 statement. Output goes straight to
/// its destination; on failure an output file is removed (stdout may have received part of
/// the document; the exit code says it is unusable).
fn translate_streaming(
    input: &str,
    from: Option<&Format>,
    output: Option<&Path>,
    to: &Format,
    encode: &EncodeOptions,
    limits: &DecodeLimits,
) -> Streaming {
    let unreadable = |e: std::io::Error| (Exit::Usage, Problem::usage(format!("cannot read {input}: {e}")));
    let (source, total): (Box<dyn Read>, Option<u64>) = if input == "-" {
        let mut prefix = Vec::new();
        if let Err(e) = std::io::stdin().lock().take(64 << 10).read_to_end(&mut prefix) {
            return Streaming::Done(Err(unreadable(e)));
        }
        if !stream::is_statement(&prefix, from) {
            return Streaming::No(prefix);
        }
        (Box::new(std::io::Cursor::new(prefix).chain(std::io::stdin())), None)
    } else {
        let prefix = match stream::file_prefix(input) {
            Ok(prefix) => prefix,
            // Reported by the whole-document path, which reads the file again.
            Err(_) => return Streaming::No(Vec::new()),
        };
        if !stream::is_statement(&prefix, from) {
            return Streaming::No(Vec::new());
        }
        let file = match std::fs::File::open(input) {
            Ok(file) => file,
            Err(e) => return Streaming::Done(Err(unreadable(e))),
        };
        let total = file.metadata().ok().map(|m| m.len());
        (Box::new(file), total)
    };
    let result = match output {
        Some(path) => {
            let file = match std::fs::File::create(path) {
                Ok(file) => file,
                Err(e) => {
                    return Streaming::Done(Err((Exit::Usage, Problem::usage(format!("cannot write output: {e}")))));
                }
            };
            let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
            let result = stream::translate(source, total, limits, to, encode, &mut out);
            if result.is_err() {
                drop(out);
                // Half a document is worse than none.
                let _ = std::fs::remove_file(path);
            }
            result
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            stream::translate(source, total, limits, to, encode, &mut out)
        }
    };
    Streaming::Done(result)
}

fn detect(style: ReportStyle, input: &str) -> Exit {
    let limits = DecodeLimits::default();
    let outcome = read_input(input, &limits)
        .and_then(|bytes| payglot::detect(&bytes, &limits).map_err(|e| (Exit::Rejected, Problem::from_decode(&e))));
    match outcome {
        Ok(format) => {
            println!("{format}");
            if style == ReportStyle::Json {
                let report =
                    Report { subject: Some(input.to_owned()), format: Some(format.to_string()), ..Report::default() };
                emit(style, &[report]);
            }
            Exit::Ok
        }
        Err((exit, problem)) => {
            emit(style, &[Report { subject: Some(input.to_owned()), problems: vec![problem], ..Report::default() }]);
            exit
        }
    }
}

fn validate(registry: &Registry, style: ReportStyle, from: &str, options: TranslateOptions, inputs: &[String]) -> Exit {
    let from = match parse_from(from) {
        Ok(from) => from,
        Err((exit, problem)) => {
            emit(style, &[Report { problems: vec![problem], ..Report::default() }]);
            return exit;
        }
    };
    let mut worst = Exit::Ok;
    let mut reports = Vec::new();
    for input in inputs {
        let mut report = Report { subject: Some(input.clone()), ..Report::default() };
        let outcome = read_input(input, &options.limits).map_err(|(e, p)| (e, vec![p])).and_then(|bytes| {
            if let Some(problems) = iso20022_violations(&bytes, from.as_ref(), &options.limits) {
                return Err((Exit::Rejected, problems));
            }
            payglot::decode(registry, &bytes, from.as_ref(), &options).map_err(|e| {
                let (exit, problem) = translate_failure(&e);
                (exit, vec![problem])
            })
        });
        match outcome {
            Ok((format, decoded)) => {
                report.format = Some(format.to_string());
                report.losses = decoded.losses;
                if style == ReportStyle::Text {
                    println!("{input}: ok ({format})");
                }
            }
            Err((exit, problems)) => {
                report.problems.extend(problems);
                worst = worst.max_with(exit);
            }
        }
        reports.push(report);
    }
    emit(style, &reports);
    worst
}

/// Default limits, with the transport context when `--message-id` and `--created` are given.
fn base_limits(transport: &TransportArgs) -> Result<DecodeLimits, Problem> {
    let (Some(message_id), Some(created)) = (&transport.message_id, &transport.created) else {
        return Ok(DecodeLimits::default());
    };
    let message_id = MessageId::new(message_id).map_err(|e| Problem::usage(format!("--message-id: {e}")))?;
    let time = DateTime::parse(created).map_err(|e| Problem::usage(format!("--created: {e}")))?;
    Ok(DecodeLimits::default().with_transport(TransportContext { message_id, time }))
}

/// At most this many violations are listed per ISO 20022 file.
const MAX_VIOLATIONS: usize = 100;

/// Every violation of an ISO 20022 document (through envelopes), when `bytes` holds one and the
/// format asked for is ISO 20022 or `auto`: facet and datatype violations are all collected,
/// a structural error ends the list. `None` when the input is valid or not ISO 20022.
fn iso20022_violations(bytes: &[u8], from: Option<&Format>, limits: &DecodeLimits) -> Option<Vec<Problem>> {
    if from.is_some_and(|f| !f.as_str().starts_with("iso20022:")) {
        return None;
    }
    // Only for ISO 20022 documents (of any version; an unsupported one is reported below).
    let _document = payglot_iso20022::sniff(bytes)?;
    let limits = payglot_iso20022::Limits {
        max_bytes: limits.max_bytes,
        max_depth: limits.max_depth,
        max_string_len: limits.max_string_bytes,
        max_repeats: limits.max_repeats,
    };
    let error = payglot_iso20022::validate_any(bytes, &limits, MAX_VIOLATIONS).err()?;
    let mut problems: Vec<Problem> = error.violations().iter().map(Problem::from_violation).collect();
    if problems.len() >= MAX_VIOLATIONS {
        problems.push(Problem::usage(format!("stopped after {MAX_VIOLATIONS} violations")));
    }
    Some(problems)
}

impl Exit {
    /// Usage errors outrank rejections, which outrank success.
    fn max_with(self, other: Exit) -> Exit {
        if self == Exit::Usage || other == Exit::Usage {
            Exit::Usage
        } else if self == Exit::Ok {
            other
        } else {
            self
        }
    }
}

fn parse_from(from: &str) -> Result<Option<Format>, (Exit, Problem)> {
    if from == "auto" {
        return Ok(None);
    }
    Format::parse(from).map(Some).map_err(|e| (Exit::Usage, Problem::usage(e.to_string())))
}

fn translate_failure(error: &TranslateError) -> (Exit, Problem) {
    let exit = if error.is_lossy_refusal() {
        Exit::Lossy
    } else if matches!(error, TranslateError::UnknownFormat(_)) {
        Exit::Usage
    } else {
        Exit::Rejected
    };
    (exit, Problem::from_translate(error))
}

/// Read a file or stdin, but never more than the size limit (plus one byte, to tell that it
/// was exceeded): a huge input fails with a limit error instead of filling memory.
fn read_input(input: &str, limits: &DecodeLimits) -> Result<Vec<u8>, (Exit, Problem)> {
    read_input_after(Vec::new(), input, limits)
}

/// [`read_input`] when `taken` (from stdin) was read already.
fn read_input_after(taken: Vec<u8>, input: &str, limits: &DecodeLimits) -> Result<Vec<u8>, (Exit, Problem)> {
    let cap = u64::try_from(limits.max_bytes).unwrap_or(u64::MAX).saturating_add(1);
    let cap = cap.saturating_sub(taken.len() as u64);
    let mut bytes = taken;
    let read = if input == "-" {
        std::io::stdin().lock().take(cap).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(input).and_then(|file| file.take(cap).read_to_end(&mut bytes))
    };
    read.map_err(|e| (Exit::Usage, Problem::usage(format!("cannot read {input}: {e}"))))?;
    Ok(bytes)
}

fn write_output(output: Option<&Path>, bytes: &[u8]) -> Result<(), Problem> {
    let written = match output {
        Some(path) => std::fs::write(path, bytes),
        None => std::io::stdout().lock().write_all(bytes),
    };
    written.map_err(|e| Problem::usage(format!("cannot write output: {e}")))
}

/// `payglot serve`: run the sandbox until Ctrl-C.
fn serve(
    addr: std::net::SocketAddr,
    db: &str,
    keys_file: Option<std::path::PathBuf>,
    instant: bool,
    rate_limit: u32,
) -> Exit {
    let run = || -> anyhow::Result<()> {
        let env = std::env::var("PAYGLOT_API_KEYS").ok();
        let mut config = payglot_sandbox::Config::new(addr, payglot_sandbox::DbPath::parse(db));
        config.api_keys = payglot_sandbox::load_api_keys(env.as_deref(), keys_file.as_deref())?;
        config.rate_limit = payglot_sandbox::RateLimit { per_second: rate_limit, burst: rate_limit.saturating_mul(2) };
        if instant {
            config.clock = payglot_sandbox::StatusClock::Instant;
        }
        payglot_sandbox::init_logging();
        let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
        runtime.block_on(async {
            let server = payglot_sandbox::Server::bind(config).await?;
            println!("payglot sandbox listening on http://{}", server.local_addr());
            if let Some(key) = server.generated_key() {
                println!("test API key (shown once, not stored): {key}");
            }
            server.run(async { drop(tokio::signal::ctrl_c().await) }).await?;
            anyhow::Ok(())
        })
    };
    match run() {
        Ok(()) => Exit::Ok,
        Err(e) => {
            eprintln!("payglot serve: {e:#}");
            Exit::Usage
        }
    }
}
