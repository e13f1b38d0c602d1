//! Whether the terminal gets colour.

use crate::cli::ColorChoice;

/// Whether to colour, from the choice, the terminal and the conventions (NO_COLOR, CI, TERM=dumb).
pub(crate) fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            is_terminal
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && !crate::args::in_ci()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}
