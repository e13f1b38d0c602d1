//! `wsdoctor completions` and `wsdoctor man`: generated from the one clap definition.

use crate::exit::{AppError, OK};

/// The completion script for `shell`.
pub(crate) fn completions(shell: clap_complete::Shell) -> Result<u8, AppError> {
    let mut buffer = Vec::new();
    clap_complete::generate(shell, &mut crate::cli::command(), "wsdoctor", &mut buffer);
    crate::output::stdout(&String::from_utf8_lossy(&buffer));
    Ok(OK)
}

/// The man page (roff).
pub(crate) fn man() -> Result<u8, AppError> {
    let mut buffer = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut buffer)
        .map_err(|e| AppError::io("rendering the man page", e))?;
    crate::output::stdout(&String::from_utf8_lossy(&buffer));
    Ok(OK)
}
