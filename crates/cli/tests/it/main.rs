//! Black-box tests: the real server on 127.0.0.1:0, over HTTP, on SQLite and PostgreSQL.

mod support;

mod access;
mod accounts;
mod attachments;
mod audit;
mod auth;
mod browser;
mod browser_request;
mod browser_second_factor;
mod cli;
mod duplicates;
mod inspections;
mod inventory;
mod job_pages;
mod jobs;
mod limits;
mod pages;
mod plans;
mod requests;
mod rotations;
mod schedule;
mod security;
