//! `wsdoctor explain`, and the topics it offers to completion.

use super::Offered;
use clap::{Args, ValueEnum};
use wsdoctor_core::model::close::{self, CloseMeaning};
use wsdoctor_core::model::codes::{ALL_CAUSES, ALL_CODES};

/// `wsdoctor explain`.
#[derive(Debug, Args)]
pub(crate) struct ExplainCommand {
    /// A failure code (SESSION_INVALID), a cause (tcp_refused) or a close code (1006); without it, the list.
    #[arg(value_name = "TOPIC", value_parser = Offered(explain_topics), hide_possible_values = true)]
    pub(crate) topic: Option<String>,
    /// human or json.
    #[arg(long, value_enum, default_value_t = ExplainFormat::Human)]
    pub(crate) format: ExplainFormat,
    /// Print the table of codes as Markdown (the README's table).
    #[arg(long, conflicts_with_all = ["topic", "format"])]
    pub(crate) markdown: bool,
}

/// What `explain` can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ExplainFormat {
    /// Text for people.
    Human,
    /// One JSON document.
    Json,
}

fn explain_topics() -> Vec<clap::builder::PossibleValue> {
    topic_names()
        .map(clap::builder::PossibleValue::new)
        .chain(
            close_code_examples()
                .map(|m| clap::builder::PossibleValue::new(m.code.to_string()).help(m.name)),
        )
        .collect()
}

/// Every name `explain` accepts, codes first: also what shell completion offers.
pub(crate) fn topic_names() -> impl Iterator<Item = &'static str> {
    ALL_CODES
        .iter()
        .map(|c| c.as_str())
        .chain(ALL_CAUSES.iter().map(|c| c.as_str()))
}

/// The close codes worth listing: the incident's, then the registered ones.
pub(crate) fn close_code_examples() -> impl Iterator<Item = CloseMeaning> {
    [
        1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1011, 1012, 1013, 1014, 1015, 4000,
        4500,
    ]
    .into_iter()
    .map(close::meaning)
}
