//! wsdoctor: a doctor for WebSocket deployments.
//!
//! The data flows one way: [`cli`] arguments become a validated [`config::Config`], which becomes a
//! [`plan::Plan`]; the [`runner`] executes the plan's [`checks`], which use the network [`probe`]s
//! and ask [`diagnose`] what they saw means; the results form one [`report::Report`], which
//! [`redact`] cleans and the [`render`]ers print; [`exit`] maps it to the process's exit status.
//! [`lab`] is the reference backend the demo and the tests run against.

pub mod app;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnose;
pub mod exit;
pub mod lab;
pub mod plan;
pub mod probe;
pub mod redact;
pub mod render;
pub mod report;
pub mod runner;
pub mod watch;
