//! The sandbox's integration tests, in one binary (one link on two cores instead of eleven):
//! each module drives a real sandbox over HTTP. Shared setup lives in `common`.

mod architecture;
mod common;
mod control;
mod faults;
mod file_db;
mod graph_core;
mod ig_audio;
mod login;
mod malformed;
mod openapi;
mod packages;
mod publishing;
mod read_side;
mod report;
mod routes;
mod security;
mod seed_rows;
mod slow_clients;
mod ui;
mod upload;
mod webhooks;
