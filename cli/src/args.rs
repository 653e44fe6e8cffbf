//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Talk to any netlink family from its YNL schema: list the kernel's genetlink
/// families, send requests and dumps, watch notifications, decode nlmon captures and
/// compare a schema with the kernel's own policies.
#[derive(Debug, Parser)]
#[command(name = "nlwire", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the live kernel's generic netlink families: id, version, header size,
    /// maxattr, ops with their flags, multicast groups.
    Families(FamiliesArgs),
    /// Send an op's `do` request and print the reply.
    Do(RequestArgs),
    /// Send an op's `dump` request and print every reply.
    Dump(RequestArgs),
    /// Join a multicast group and print its notifications until interrupted.
    Monitor(MonitorArgs),
    /// Decode an nlmon capture (pcap or pcapng, LINKTYPE_NETLINK).
    Decode(DecodeArgs),
    /// Compare a schema with the attribute policies the running kernel reports.
    PolicyCheck(PolicyArgs),
    /// Print the Rust code the schema compiler generates for a spec.
    Gen(GenArgs),
    /// List the built-in specs, or the ops and multicast groups of one spec.
    Specs(SpecsArgs),
}

/// Output format (`-o`, `--output`): the same flag with the same values on every
/// subcommand. `--json` is never an output flag: on `do` and `dump` it is the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// serde_json.
    Json,
    /// Text for a person: an indented tree of messages, or the table of `families`,
    /// `policy-check` and `specs`.
    #[value(alias = "text", alias = "table")]
    Tree,
}

/// Output options shared by the subcommands that print decoded messages.
#[derive(Debug, Args, Clone, Default)]
pub struct OutputArgs {
    /// Output format: json, or tree (text); by default a tree on a terminal and JSON
    /// otherwise.
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
}

impl OutputArgs {
    /// The format to print messages in: `-o`, else a tree on a terminal and JSON when
    /// piped.
    pub fn format(&self) -> crate::output::Format {
        crate::output::Format::choose(
            self.output == Some(OutputFormat::Json),
            self.output == Some(OutputFormat::Tree),
        )
    }
}

/// Output options of the subcommands whose text form is a table (`families`,
/// `policy-check`, `specs`): text unless `-o json`, piped or not.
#[derive(Debug, Args, Clone, Default)]
pub struct TableOutputArgs {
    /// Output format: tree (text, the default) or json.
    #[arg(short = 'o', long = "output", value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub stray: StrayJson,
}

impl TableOutputArgs {
    /// True for `-o json`.
    pub fn json(&self) -> bool {
        self.output == Some(OutputFormat::Json)
    }
}

/// `--json` where it is not the request: accepted by the parser only to say what to
/// write instead (it meant JSON output here before `-o json` took that job).
#[derive(Debug, Args, Clone, Default)]
pub struct StrayJson {
    /// (Not an output flag: use `-o json`.)
    #[arg(long = "json", hide = true)]
    pub json: bool,
}

impl StrayJson {
    /// A usage error when `--json` was given.
    pub fn check(&self) -> crate::error::Result<()> {
        if self.json {
            return Err(crate::error::CliError::usage(
                "--json is the request (a JSON object) and only `do` and `dump` take one; \
                 for JSON output write `-o json`",
            ));
        }
        Ok(())
    }
}

/// Where specs are looked up by family name.
#[derive(Debug, Args, Clone, Default)]
pub struct SpecDirArgs {
    /// Directory of YNL spec files searched by family name (repeatable; then
    /// $NLWIRE_SPEC_DIR and /usr/share/ynl/specs).
    #[arg(long = "spec-dir", value_name = "DIR")]
    pub spec_dirs: Vec<PathBuf>,
}

/// `families`.
#[derive(Debug, Args)]
pub struct FamiliesArgs {
    /// Show only this family, with all its ops.
    pub name: Option<String>,
    /// List every family's ops and their flags under the table.
    #[arg(long)]
    pub ops: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: TableOutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// The network namespace to talk to the kernel in (`do`, `dump`, `monitor`).
#[derive(Debug, Args, Clone, Default)]
pub struct NetnsArgs {
    /// Network namespace by name, as `ip netns add NAME` made it (/run/netns/NAME).
    #[arg(long = "netns", value_name = "NAME", conflicts_with = "netns_path")]
    pub netns: Option<String>,
    /// Network namespace by the path of its handle (/proc/PID/ns/net, a bind mount).
    #[arg(long = "netns-path", value_name = "PATH")]
    pub netns_path: Option<PathBuf>,
}

impl NetnsArgs {
    /// The namespace the options name (the caller's own when none).
    pub fn netns(&self) -> nlwire::sock::NetNs {
        match (&self.netns, &self.netns_path) {
            (Some(n), _) => nlwire::sock::NetNs::named(n),
            (None, Some(p)) => nlwire::sock::NetNs::path(p),
            (None, None) => nlwire::sock::NetNs::current(),
        }
    }
}

/// `do` and `dump`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// Spec: a built-in name (`nlctrl`, `rt-link`, `ovs_flow`, ...), a YNL file path, or
    /// a family name found in a spec directory.
    #[arg(long)]
    pub spec: String,
    /// Op name from the spec.
    #[arg(required_unless_present = "multi")]
    pub op: Option<String>,
    /// The request as a JSON object: fixed-header members and attributes by name
    /// (`@FILE` reads it from a file, `-` from standard input).
    #[arg(
        long = "json",
        alias = "input",
        value_name = "JSON",
        num_args = 0..=1,
        conflicts_with = "multi"
    )]
    pub input: Option<Option<String>>,
    /// `do` only: one operation of a batch, its op name and request (JSON as for
    /// `--json`); repeat it for each. All go to the kernel in one datagram and each gets
    /// its own result. nftables changes need `batch-begin` first and `batch-end` last.
    #[arg(
        long = "multi",
        num_args = 2,
        value_names = ["OP", "JSON"],
        conflicts_with = "op"
    )]
    pub multi: Vec<String>,
    /// Extra NLM_F_* request flags for classic families: create, excl, replace, append.
    #[arg(long = "flag", value_enum)]
    pub flags: Vec<ReqFlag>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub ns: NetnsArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: OutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// Request flags for "new" ops.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReqFlag {
    /// NLM_F_CREATE.
    Create,
    /// NLM_F_EXCL.
    Excl,
    /// NLM_F_REPLACE.
    Replace,
    /// NLM_F_APPEND.
    Append,
}

/// `monitor`.
#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// Spec (as for `do`).
    #[arg(long)]
    pub spec: String,
    /// Multicast group name from the spec (repeatable).
    #[arg(long = "group", required = true)]
    pub groups: Vec<String>,
    /// Stop after this many notifications.
    #[arg(long)]
    pub count: Option<u64>,
    /// Stop after listening this long (seconds, fractions allowed), however many came:
    /// success.
    #[arg(long, value_name = "SECONDS")]
    pub duration: Option<f64>,
    /// Fail after this many seconds without a notification.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Receive buffer size in bytes (default 4 MiB); a small one loses events sooner.
    #[arg(long, value_name = "BYTES")]
    pub rcvbuf: Option<usize>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub ns: NetnsArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: OutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub stray: StrayJson,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// `decode`.
#[derive(Debug, Args)]
pub struct DecodeArgs {
    /// The capture file (pcap or pcapng).
    pub file: PathBuf,
    /// Extra spec files or names to decode with (repeatable), on top of the built-in
    /// ones and those in the spec directories.
    #[arg(long = "spec")]
    pub specs: Vec<String>,
    /// Do not ask the live kernel for genetlink family ids the capture does not resolve.
    #[arg(long)]
    pub offline: bool,
    // `-o json` prints one JSON object per message, one per line.
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: OutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub stray: StrayJson,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// `policy-check`.
#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Spec (as for `do`); must be a genetlink family.
    #[arg(long)]
    pub spec: String,
    /// Check only this op.
    #[arg(long)]
    pub op: Option<String>,
    /// Show every compared attribute, not only differences.
    #[arg(long)]
    pub all: bool,
    /// Count a bound the kernel enforces but the spec does not state (a length, a range,
    /// a mask) as a mismatch, not a note: for schemas meant to describe the kernel fully.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: TableOutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// `gen`.
#[derive(Debug, Args)]
pub struct GenArgs {
    /// The YNL spec: a file path, a built-in spec name, or a family name in a spec directory.
    pub file: String,
    /// Model this attribute set as an ordered list of attributes (an enum used as
    /// `Vec<Enum>`), e.g. OVS `action-attrs`; repeatable.
    #[arg(long = "list-set", value_name = "SET")]
    pub list_sets: Vec<String>,
    /// Path of the runtime crate in the generated code (default `::nlwire`).
    #[arg(long = "crate-path", value_name = "PATH")]
    pub crate_path: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// `specs`.
#[derive(Debug, Args)]
pub struct SpecsArgs {
    /// Describe this spec (name or path): its ops and multicast groups, or what the
    /// options below ask for.
    pub spec: Option<String>,
    /// List the attribute sets and their attributes: value, name, type, what they nest,
    /// enum, struct, sub-message; only SET when given.
    #[arg(long = "attrs", value_name = "SET", num_args = 0..=1, requires = "spec")]
    pub attrs: Option<Option<String>>,
    /// List the messages: each op's request and reply (message type, fixed header,
    /// attributes) for do and dump, and the notifications and events.
    #[arg(long = "messages", alias = "msgs", requires = "spec")]
    pub messages: bool,
    /// List the definitions: enums and flags with their values, structs with their
    /// members' offsets and sizes, constants.
    #[arg(long = "defs", requires = "spec")]
    pub defs: bool,
    /// List the ops (the default when nothing else is asked for).
    #[arg(long = "ops", requires = "spec")]
    pub ops: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: TableOutputArgs,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}
