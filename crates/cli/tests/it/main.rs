//! Black-box tests: the real server on 127.0.0.1:0, over HTTP, on SQLite and PostgreSQL.

mod support;

// Every other file of this folder is a module of the suite (the list is made by build.rs).
include!(concat!(env!("OUT_DIR"), "/it_modules.rs"));
