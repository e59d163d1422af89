//! The file reader the extract Lambda runs as a child for each upload: the file on stdin, its
//! text (or why not) as JSON on stdout (r2w_extract::text::reader). It links the parsers and
//! nothing else of the function: no AWS clients, no network, no credentials in its environment.

fn main() -> std::process::ExitCode {
    r2w_extract::text::reader::serve_stdio()
}
