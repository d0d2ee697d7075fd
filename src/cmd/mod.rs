//! One file per subcommand: arguments, a call into the library, printing.

pub mod init;
pub mod inspect;
pub mod report;
pub mod summary;
pub mod validate;
