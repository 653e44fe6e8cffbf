//! `nlwire`: the command-line tool of the nlwire netlink codec.
//!
//! Every subcommand lives in [`cmd`]; the run-time codec that turns JSON into
//! attributes and back from a schema IR lives in [`codec`].
#![forbid(unsafe_code)]

mod args;
mod capture;
mod cmd;
mod codec;
mod error;
mod extack;
mod genl;
mod kpolicy;
mod net;
mod output;
mod specs;
mod tree;

use clap::Parser;

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
