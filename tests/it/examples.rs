//! The deployment examples agree with each other and with the image: Kubernetes (Deployment,
//! Service, ConfigMap, Secret), prometheus-operator (Probe, ServiceMonitor) and the Containerfile
//! name the same port, paths, labels, config mount and secrets, and the config they mount is valid.

use crate::support::wsdoctor;
use serde_yaml_ng::Value;
use std::path::Path;

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
