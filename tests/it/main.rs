//! Integration tests: the built binary against the reference backend on loopback.
//! One test binary, several modules, one shared helper (`support`).

mod support;

mod bare;
mod browser;
mod browser_rules;
mod checklist;
mod container;
mod contract;
mod conventions;
mod examples;
mod faults;
mod flags;
mod fleet;
mod hangs;
mod hold;
mod hostile;
mod html;
mod http2;
mod live;
mod network;
mod observe;
mod outputs;
mod ping;
mod readme;
mod redis;
mod release;
mod safety;
mod serve;
mod serve_bounds;
mod serve_debug;
mod serve_reload;
mod shard;
mod store;
mod trace;
mod verdict;
mod warnings;
mod write_out;
