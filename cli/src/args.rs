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

/// Output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// serde_json (the default when stdout is not a terminal).
    Json,
    /// An indented tree (the default on a terminal).
    Tree,
}

/// Output options shared by the subcommands that print decoded messages.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format; by default a tree on a terminal and JSON otherwise.
    #[arg(short = 'o', long = "output", value_enum)]
    pub output: Option<OutputFormat>,
}

impl OutputArgs {
    /// The format to print in (`--json` elsewhere on the command line forces JSON).
    pub fn format(&self, json_flag: bool) -> crate::output::Format {
        crate::output::Format::choose(
            json_flag || self.output == Some(OutputFormat::Json),
            self.output == Some(OutputFormat::Tree),
        )
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
    /// Print JSON (everything, ops and groups included).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}

/// `do` and `dump`.
#[derive(Debug, Args)]
pub struct RequestArgs {
    /// Spec: a built-in name (`nlctrl`, `ovs_flow`, ...), a YNL file path, or a family
    /// name found in a spec directory.
    #[arg(long)]
    pub spec: String,
    /// Op name from the spec.
    pub op: String,
    /// The request as a JSON object: fixed-header members and attributes by name
    /// (`@FILE` reads it from a file, `-` from standard input).
    #[arg(long = "json", alias = "input", value_name = "JSON")]
    pub input: Option<String>,
    /// Extra NLM_F_* request flags for classic families: create, excl, replace, append.
    #[arg(long = "flag", value_enum)]
    pub flags: Vec<ReqFlag>,
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
    /// Stop after this many seconds without a notification.
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,
    /// Receive buffer size in bytes (default 4 MiB); a small one loses events sooner.
    #[arg(long, value_name = "BYTES")]
    pub rcvbuf: Option<usize>,
    /// Print one JSON object per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: OutputArgs,
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
    /// Print one JSON object per message, one per line.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub out: OutputArgs,
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
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
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
    /// Show the ops and multicast groups of this spec (name or path).
    pub spec: Option<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub dirs: SpecDirArgs,
}
