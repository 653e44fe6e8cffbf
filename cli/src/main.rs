//! `nlwire`: the command-line tool of the nlwire netlink codec (the subcommands live in
//! the `nlwire_cli` library).
#![forbid(unsafe_code)]

use clap::Parser;
use nlwire_cli::{args, cmd};

fn main() {
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Families(a) => cmd::families::run(&a),
        args::Command::Do(a) => cmd::request::run(&a, false),
        args::Command::Dump(a) => cmd::request::run(&a, true),
        args::Command::Monitor(a) => cmd::monitor::run(&a),
        args::Command::Decode(a) => cmd::decode::run(&a),
        args::Command::PolicyCheck(a) => cmd::policy::run(&a),
        args::Command::Gen(a) => cmd::generate::run(&a),
        args::Command::Specs(a) => cmd::specs::run(&a),
    };
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(e.code);
    }
}
