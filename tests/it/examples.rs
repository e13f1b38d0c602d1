//! The deployment examples agree with each other and with the image: Kubernetes (Deployment,
//! Service, ConfigMap, Secret), prometheus-operator (Probe, ServiceMonitor) and the Containerfile
//! name the same port, paths, labels, config mount and secrets, and the config they mount is valid.

use crate::support::{wsdoctor, TestLab};
use serde_yaml_ng::Value;
use std::path::Path;
use wsdoctor_lab::{Fault, LabOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn documents(file: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("examples/kubernetes").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_yaml_ng::Deserializer::from_str(&text)
        .map(|doc| {
            <Value as serde::Deserialize>::deserialize(doc)
                .unwrap_or_else(|e| panic!("{file}: {e}"))
        })
        .collect()
}

fn one(file: &str, kind: &str) -> Value {
    documents(file)
        .into_iter()
        .find(|d| d["kind"] == kind)
        .unwrap_or_else(|| panic!("{file} holds a {kind}"))
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("{value:?} is a string"))
}

/// `KEY value` lines of the Containerfile's ENV instruction, and its other instructions.
fn containerfile() -> String {
    std::fs::read_to_string(Path::new(ROOT).join("Containerfile")).unwrap()
}

#[test]
fn the_kubernetes_and_operator_examples_agree_with_each_other_and_the_image() {
    let deployment = one("deployment.yaml", "Deployment");
    let service = one("service.yaml", "Service");
    let config_map = one("configmap.yaml", "ConfigMap");
    let secret = one("secret.yaml", "Secret");
    let probe = one("monitoring.yaml", "Probe");
    let monitor = one("monitoring.yaml", "ServiceMonitor");
    let image = containerfile();

    let pod = &deployment["spec"]["template"];
    let container = &pod["spec"]["containers"][0];
    let env = |name: &str| {
        container["env"]
            .as_sequence()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .map(|e| text(&e["value"]).to_string())
            .unwrap_or_else(|| panic!("the container sets {name}"))
    };

    // One port: the image exposes it, the container listens on it and names it, the Service
    // forwards to the name, the Probe and the ServiceMonitor scrape it.
    assert!(image.contains("EXPOSE 9716"));
    assert!(image.contains("WSDOCTOR_LISTEN=0.0.0.0:9716"));
    assert_eq!(env("WSDOCTOR_LISTEN"), "0.0.0.0:9716");
    let port = &container["ports"][0];
    assert_eq!(port["containerPort"], 9716);
    assert_eq!(service["spec"]["ports"][0]["port"], 9716);
    assert_eq!(service["spec"]["ports"][0]["targetPort"], port["name"]);
    assert_eq!(
        monitor["spec"]["endpoints"][0]["port"],
        service["spec"]["ports"][0]["name"]
    );
    let prober = text(&probe["spec"]["prober"]["url"]);
    assert!(
        prober.starts_with(&format!("{}.", text(&service["metadata"]["name"])))
            && prober.ends_with(":9716"),
        "the Probe goes through the Service: {prober}"
    );

    // The exporter's paths.
    assert_eq!(probe["spec"]["prober"]["path"], "/probe");
    assert_eq!(monitor["spec"]["endpoints"][0]["path"], "/metrics");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/-/ready");
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/-/healthy");

    // Labels: the Service and the ServiceMonitor select the Deployment's pods.
    let pod_labels = pod["metadata"]["labels"].as_mapping().unwrap();
    for selector in [
        &service["spec"]["selector"],
        &deployment["spec"]["selector"]["matchLabels"],
    ] {
        for (key, value) in selector.as_mapping().unwrap() {
            assert_eq!(pod_labels.get(key), Some(value), "pods carry {key:?}");
        }
    }
    let service_labels = service["metadata"]["labels"].as_mapping().unwrap();
    for (key, value) in monitor["spec"]["selector"]["matchLabels"]
        .as_mapping()
        .unwrap()
    {
        assert_eq!(
            service_labels.get(key),
            Some(value),
            "the Service carries {key:?}"
        );
    }

    // The config: mounted where the image reads it, from the ConfigMap's key.
    let config_path = env("WSDOCTOR_CONFIG");
    assert!(image.contains(&format!("WSDOCTOR_CONFIG={config_path}")));
    let mount = &container["volumeMounts"][0];
    let volume = &pod["spec"]["volumes"][0];
    assert_eq!(mount["name"], volume["name"]);
    assert_eq!(volume["configMap"]["name"], config_map["metadata"]["name"]);
    let (dir, file) = config_path.rsplit_once('/').unwrap();
    assert_eq!(text(&mount["mountPath"]), dir);
    let toml = text(&config_map["data"][file]);

    // The user: the image's, and one that is not root.
    assert!(image.contains("USER 65532:65532"));
    assert_eq!(pod["spec"]["securityContext"]["runAsUser"], 65532);
    assert_eq!(pod["spec"]["securityContext"]["runAsNonRoot"], true);

    // Secrets: every variable the config reads comes from the Secret, and the config is valid
    // with them (the same check a deploy would run).
    assert_eq!(
        container["envFrom"][0]["secretRef"]["name"],
        secret["metadata"]["name"]
    );
    let secrets = secret["stringData"].as_mapping().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("wsdoctor.toml");
    std::fs::write(&file, toml).unwrap();
    let mut check = wsdoctor();
    check.args(["config", "check", "--config", file.to_str().unwrap()]);
    for (key, value) in secrets {
        check.env(text(key), text(value));
    }
    let out = check.output().unwrap();
    assert!(
        out.status.success(),
        "the mounted config is valid with the Secret's variables: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for reference in toml.split("${").skip(1) {
        let name = reference.split('}').next().unwrap();
        assert!(
            secrets.contains_key(name),
            "${{{name}}} comes from the Secret"
        );
    }
    // The Probe's targets and module are the config's.
    let parsed: toml::Table = toml.parse().unwrap();
    let names: Vec<&str> = parsed["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    for target in probe["spec"]["targets"]["staticConfig"]["static"]
        .as_sequence()
        .unwrap()
    {
        assert!(
            names.contains(&text(target)),
            "{target:?} is a target of the config"
        );
    }
    let module = text(&probe["spec"]["module"]);
    assert!(module == "default" || parsed["modules"].get(module).is_some());
}

/// The `wsdoctor serve` config of the tests below: one broken target (the terminal dies with
/// 4500), one healthy, and a module whose echo does several round trips.
fn exporter(dir: &Path, broken: &TestLab, healthy: &TestLab) -> crate::serve::Server {
    let file = crate::serve::config(
        dir,
        &format!(
            r#"
[defaults]
observe = "0s"
attempts = 1
session = "demo-session"

[[targets]]
name = "broken"
url = "{}"

[[targets]]
name = "healthy"
url = "{}"

[modules.counted]
only = ["echo"]
count = 5
"#,
            broken.url, healthy.url
        ),
    );
    crate::serve::Server::start(&file, &[])
}

fn scrape(server: &crate::serve::Server, query: &str) -> String {
    let (status, _, body) = server.get(&format!("/probe?{query}"), &[]);
    assert_eq!(status, 200, "{body}");
    body
}

/// A series of a real exposition as promtool's input, with the labels Prometheus adds.
fn series(exposition: &str, name: &str) -> String {
    let line = exposition
        .lines()
        .find(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .unwrap_or_else(|| panic!("no {name} in\n{exposition}"));
    let labels = line[name.len()..]
        .split_once('{')
        .and_then(|(_, rest)| rest.split_once('}'))
        .map(|(labels, _)| format!(",{labels}"))
        .unwrap_or_default();
    format!(r#"{name}{{job="websocket",instance="broken"{labels}}}"#)
}

#[test]
fn the_down_alert_carries_the_failing_code_and_cause() {
    let broken = TestLab::start(LabOptions {
        fault: Some(Fault::ServerError),
        ..LabOptions::default()
    });
    let healthy = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(dir.path(), &broken, &healthy);
    let body = scrape(&server, "target=broken");
    assert!(
        body.contains(
            r#"wsdoctor_failure_info{check="terminal",code="SERVER_ERROR",cause="server_error"} 1"#
        ),
        "{body}"
    );
    // promtool evaluates the example rules over the series this exporter really exported.
    let tests = format!(
        r#"
rule_files: ["{ROOT}/examples/alerts.yml"]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
      - series: '{}'
        values: '0x5'
      - series: '{}'
        values: '1x5'
      - series: 'probe_success{{job="websocket",instance="unexplained"}}'
        values: '0x5'
    alert_rule_test:
      - eval_time: 3m
        alertname: WebSocketDown
        exp_alerts:
          - exp_labels:
              severity: page
              job: websocket
              instance: broken
              check: terminal
              code: SERVER_ERROR
              cause: server_error
            exp_annotations:
              summary: "WebSockets to broken fail: SERVER_ERROR (server_error) in the terminal check"
              description: "wsdoctor's checklist fails for broken: the terminal check with SERVER_ERROR (server_error); `wsdoctor explain server_error` says what it means. Run `wsdoctor check --config wsdoctor.toml --target broken` for the evidence."
          - exp_labels:
              severity: page
              job: websocket
              instance: unexplained
            exp_annotations:
              summary: "WebSockets to unexplained fail"
              description: "wsdoctor's checklist fails for unexplained. Run `wsdoctor check --config wsdoctor.toml --target unexplained` for the evidence."
"#,
        series(&body, "probe_success"),
        series(&body, "wsdoctor_failure_info"),
    );
    let file = dir.path().join("alerts.test.yml");
    std::fs::write(&file, tests).unwrap();
    let out = std::process::Command::new("promtool")
        .args(["test", "rules"])
        .arg(&file)
        .output()
        .expect("promtool is needed (Debian: prometheus; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `# TYPE` lines of an exposition: metric name → type.
fn types(exposition: &str) -> Vec<(String, String)> {
    exposition
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.split_once(' '))
        .map(|(name, kind)| (name.to_string(), kind.trim().to_string()))
        .collect()
}

#[test]
fn every_metric_name_has_one_type_whatever_the_module() {
    let healthy = TestLab::healthy();
    let dir = tempfile::tempdir().unwrap();
    let server = exporter(dir.path(), &healthy, &healthy);
    let mut seen = std::collections::BTreeMap::new();
    for query in ["target=healthy", "target=healthy&module=counted"] {
        let body = scrape(&server, query);
        // Dashboards and alerts read the echo's round trip by one name in every module.
        assert!(
            body.contains("# TYPE wsdoctor_echo_rtt_seconds gauge"),
            "{query}: {body}"
        );
        for (name, kind) in types(&body) {
            let first = seen.entry(name.clone()).or_insert_with(|| kind.clone());
            assert_eq!(*first, kind, "{name} changes type ({query})");
        }
    }
    assert_eq!(
        seen.get("wsdoctor_echo_rtt_quantile_seconds")
            .map(String::as_str),
        Some("summary"),
        "--count's distribution is a summary of its own: {seen:?}"
    );
}
