"""The Helm chart (helm/), rendered by Helm's own engine (helm-python-sdk, no binary), linted, and every
rendered object checked against the Kubernetes API schemas (kubernetes-validate, strict: an unknown
field fails). Then what the chart promises: beat alone and replaced, migrations as a hook before the
Deployments, probes on the health endpoints, secrets only as files, PDBs, NetworkPolicy, HPAs."""

import base64
import copy
import importlib
import importlib.metadata
import re
from pathlib import Path

import helm_python
import kubernetes_validate
import pytest
import yaml
from django.conf import settings
from django.core.management import get_commands

CHART = Path(__file__).resolve().parents[2] / "helm"
PRODUCTION = CHART / "examples" / "values-production.yaml"
RELEASE = "xinyu"
NAMESPACE = "xinyu"
# The oldest Kubernetes the chart supports (Chart.yaml says >=1.25; 1.30 is the oldest still
# maintained by the big distributions) and the newest the validator knows.
KUBE_VERSIONS = ["1.30", kubernetes_validate.utils.latest_version()]
SECRET_FILES = {"SECRET_KEY", "MASTER_KEY", "DATABASE_URL", "REDIS_URL"}

# Distinctive secret values: they may appear in the rendered chart only base64-encoded in its Secret.
MARKERS = {
    "secretKey": "marker-secret-key-5c1d0e",
    "masterKey": "bWFya2VyLW1hc3Rlci1rZXktMzItYnl0ZXMtbG9uZyE",
    "databaseUrl": "postgresql://xinyu:marker-db-pass-7f3a@db.internal:5432/xinyu",
    "redisUrl": "redis://:marker-redis-pass-91b2@redis.internal:6379/0",
    "emailHostPassword": "marker-smtp-pass-44ae",
    "metricsToken": "marker-metrics-token-0d9c",
}


def render_raw(values: dict | None = None, *, is_upgrade: bool = False) -> dict[str, str]:
    chart = helm_python.Chart.load(str(CHART))
    flags = {"is_upgrade": True} if is_upgrade else {"is_install": True}
    return chart.render(values or {}, name=RELEASE, namespace=NAMESPACE, **flags)


def render(values: dict | None = None, **kwargs) -> list[dict]:
    objects = []
    for path, text in sorted(render_raw(values, **kwargs).items()):
        if not path.endswith((".yaml", ".yml")):
            continue
        objects.extend(doc for doc in yaml.safe_load_all(text) if doc)
    return objects


def production_values() -> dict:
    return yaml.safe_load(PRODUCTION.read_text(encoding="utf-8"))


CASES = {
    "default": {},
    "production": production_values(),
    "secret-made-by-chart": {"secrets": {"create": True, **MARKERS}, "config": {"email": {"host": "smtp.x"}}},
    "citus": {"citus": {"enabled": True}},
    "no-autoscaling": {
        "web": {"autoscaling": {"enabled": False}, "replicas": 3},
        "worker": {"defaults": {"autoscaling": {"enabled": False}, "replicas": 2}},
    },
    "two-queues-ingress-no-pvc": {
        "worker": {"queues": {"xinyu": {}, "bulk_exports": {"concurrency": 1, "queues": ["bulk_exports"]}}},
        "ingress": {"enabled": True},
        "media": {"persistence": {"enabled": False}},
        "networkPolicy": {"webFrom": []},
    },
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request):
    return request.param, render(CASES[request.param])


@pytest.fixture(scope="module")
def default():
    return render()


@pytest.fixture(scope="module")
def production():
    return render(production_values())


def of_kind(objects, kind):
    return [obj for obj in objects if obj["kind"] == kind]


def named(objects, kind, name):
    found = [obj for obj in objects if obj["kind"] == kind and obj["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind} {name}: {len(found)} found"
    return found[0]


def pod_specs(objects):
    """(owner, pod spec) for every Deployment and Job."""
    for obj in objects:
        if obj["kind"] in ("Deployment", "Job"):
            yield obj, obj["spec"]["template"]["spec"]


def containers(objects):
    for owner, spec in pod_specs(objects):
        for container in spec.get("initContainers", []) + spec["containers"]:
            yield owner, spec, container


def env_of(container) -> dict:
    return {item["name"]: item for item in container.get("env", [])}


# Helm's engine and the schemas -------------------------------------------------------------------


@pytest.mark.parametrize("values", [None, "production"])
def test_helm_lint_finds_nothing(values):
    chosen = production_values() if values else None
    report = helm_python.lint(str(CHART), chosen, strict=True, namespace=NAMESPACE)
    assert report["errors"] == []
    # Severity 1 is information ("icon is recommended"); 2 and 3 are warnings and errors.
    assert [m for m in report["messages"] if m["severity"] >= 2] == []
    assert report["total_charts_linted"] == 1


def test_lint_would_report_a_broken_chart(tmp_path):
    # The lint above can fail: the same chart with a template that is not YAML is reported.
    import shutil

    broken = tmp_path / "xinyu"
    shutil.copytree(CHART, broken)
    (broken / "templates" / "broken.yaml").write_text("kind: [unclosed\n", encoding="utf-8")
    report = helm_python.lint(str(broken), None, strict=True)
    assert report["errors"] or [m for m in report["messages"] if m["severity"] >= 2]


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
def test_every_rendered_object_is_valid_kubernetes(case, kube_version):
    name, objects = case
    assert len(objects) >= 10, name
    for obj in objects:
        # strict: a misspelled or misplaced field is an error, not silently dropped by the API server.
        kubernetes_validate.validate(obj, kube_version, strict=True)


def test_the_validator_refuses_an_unknown_field(default):
    web = copy.deepcopy(named(default, "Deployment", "xinyu-web"))
    web["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(web, "1.30", strict=True)


def test_an_upgrade_renders_the_same_objects(default):
    upgraded = render(is_upgrade=True)
    assert sorted((o["kind"], o["metadata"]["name"]) for o in upgraded) == sorted(
        (o["kind"], o["metadata"]["name"]) for o in default
    )


def test_names_are_unique_per_kind_and_selectors_match_their_pods(case):
    name, objects = case
    keys = [(o["kind"], o["metadata"]["name"]) for o in objects]
    assert len(keys) == len(set(keys)), name
    for obj in of_kind(objects, "Deployment"):
        selector = obj["spec"]["selector"]["matchLabels"]
        labels = obj["spec"]["template"]["metadata"]["labels"]
        assert selector.items() <= labels.items(), obj["metadata"]["name"]
    # No two Deployments select each other's pods.
    selectors = [
        tuple(sorted(o["spec"]["selector"]["matchLabels"].items())) for o in of_kind(objects, "Deployment")
    ]
    assert len(selectors) == len(set(selectors))


# Deployments and their commands ------------------------------------------------------------------


def test_web_worker_and_beat_deployments(default):
    names = {o["metadata"]["name"] for o in of_kind(default, "Deployment")}
    assert names == {"xinyu-web", "xinyu-worker-xinyu", "xinyu-beat"}
    web = named(default, "Deployment", "xinyu-web")["spec"]["template"]["spec"]["containers"][0]
    assert web["command"][:3] == ["gunicorn", "-c", "python:config.serving"]
    assert web["command"][3:] == ["--bind", "0.0.0.0:8000"]
    assert web["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]
    worker = named(default, "Deployment", "xinyu-worker-xinyu")["spec"]["template"]["spec"]["containers"][0]
    assert worker["command"][:6] == ["celery", "-A", "config", "worker", "-Q", "xinyu"]
    beat = named(default, "Deployment", "xinyu-beat")["spec"]["template"]["spec"]["containers"][0]
    assert beat["command"][:4] == ["celery", "-A", "config", "beat"]
    # Beat's schedule file goes to the writable /tmp (the root filesystem is read-only).
    assert beat["command"][beat["command"].index("--schedule") + 1].startswith("/tmp/")


def test_the_commands_exist_in_the_project(default):
    """What the chart runs is what the project has: gunicorn's config module and its WSGI app, the
    Celery app `config` and the queue the web sends to, the migrate_platform command, and console
    scripts gunicorn, celery and django-admin in the installed distributions."""
    scripts = {ep.name for ep in importlib.metadata.entry_points(group="console_scripts")}
    for owner, _spec, container in containers(default):
        assert container["command"][0] in scripts, (owner["metadata"]["name"], container["command"][0])

    serving = importlib.import_module("config.serving")
    module, _, attr = serving.wsgi_app.partition(":")
    assert callable(getattr(importlib.import_module(module), attr))

    from config.celery import app

    assert app.main == "xinyu"
    worker = named(default, "Deployment", "xinyu-worker-xinyu")["spec"]["template"]["spec"]["containers"][0]
    queues = worker["command"][worker["command"].index("-Q") + 1].split(",")
    # The queue the web sends to (CELERY_QUEUE, as every container gets it) is consumed.
    sent_to = env_of(worker)["CELERY_QUEUE"]["value"]
    assert sent_to in queues
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "xinyu" == sent_to

    job = named(default, "Job", "xinyu-migrate")["spec"]["template"]["spec"]["containers"][0]
    assert job["command"] == ["django-admin", "migrate_platform"]
    assert get_commands()["migrate_platform"] == "district"
    # django-admin finds the settings through the environment.
    assert env_of(job)["DJANGO_SETTINGS_MODULE"]["value"] == "config.settings"


def test_one_worker_deployment_per_queue_entry():
    objects = render(CASES["two-queues-ingress-no-pvc"])
    workers = {
        o["metadata"]["name"]: o
        for o in of_kind(objects, "Deployment")
        if "-worker-" in o["metadata"]["name"]
    }
    assert set(workers) == {"xinyu-worker-xinyu", "xinyu-worker-bulk-exports"}
    bulk = workers["xinyu-worker-bulk-exports"]["spec"]["template"]["spec"]["containers"][0]["command"]
    assert bulk[bulk.index("-Q") + 1] == "bulk_exports"
    assert bulk[bulk.index("--concurrency") + 1] == "1"
    hpa_targets = {h["spec"]["scaleTargetRef"]["name"] for h in of_kind(objects, "HorizontalPodAutoscaler")}
    pdb_names = {p["metadata"]["name"] for p in of_kind(objects, "PodDisruptionBudget")}
    assert set(workers) <= hpa_targets and set(workers) <= pdb_names


def test_a_queue_name_that_cannot_name_a_deployment_is_refused():
    with pytest.raises(helm_python.HelmRenderError, match="cannot name a Deployment"):
        render({"worker": {"queues": {"bad queue!": {}}}})


def test_beat_is_one_replica_replaced_never_rolled(case):
    name, objects = case
    beat = named(objects, "Deployment", "xinyu-beat")
    assert beat["spec"]["replicas"] == 1, name
    assert beat["spec"]["strategy"] == {"type": "Recreate"}, name
    assert all(
        h["spec"]["scaleTargetRef"]["name"] != "xinyu-beat"
        for h in of_kind(objects, "HorizontalPodAutoscaler")
    )


def test_web_connections_stay_within_the_bound():
    # gunicorn's workers × threads each hold a database connection (config/serving.py refuses it too).
    with pytest.raises(helm_python.HelmRenderError, match="exceeds web.dbMaxConnections"):
        render({"web": {"workers": 4, "threads": 8, "dbMaxConnections": 24}})


# Migrations --------------------------------------------------------------------------------------


def test_migrations_run_as_a_pre_install_and_pre_upgrade_hook(case):
    name, objects = case
    job = named(objects, "Job", "xinyu-migrate")
    annotations = job["metadata"]["annotations"]
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}, name
    assert annotations["helm.sh/hook-weight"] == "0"
    # A failed Job stays for its log; the next attempt replaces it.
    assert set(annotations["helm.sh/hook-delete-policy"].split(",")) == {
        "before-hook-creation",
        "hook-succeeded",
    }
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] >= 0 and job["spec"]["activeDeadlineSeconds"] >= 600
    # The only hooks are the migration Job and (when the chart makes it) the Secret it needs, which
    # must exist first: a lower weight.
    hooks = [o for o in objects if "helm.sh/hook" in o["metadata"].get("annotations", {})]
    for hook in hooks:
        assert (hook["kind"], hook["metadata"]["name"]) in {
            ("Job", "xinyu-migrate"),
            ("Secret", "xinyu-secrets"),
        }
        if hook["kind"] == "Secret":
            assert int(hook["metadata"]["annotations"]["helm.sh/hook-weight"]) < 0


def test_migrate_platform_does_the_public_schema_first_then_schools():
    # The hook's command: migrate_schemas (public first, then each school that is behind, through the
    # executor that skips up-to-date schools), then the template schema and the pool.
    source = (settings.BASE_DIR / "platform/district/management/commands/migrate_platform.py").read_text()
    assert source.index('call_command("migrate_schemas"') < source.index("ddl.current_template()")
    assert settings.GET_EXECUTOR_FUNCTION == "district.provisioning.executor.get_executor"


def test_migrations_can_be_turned_off():
    objects = render({"migrations": {"enabled": False}})
    assert of_kind(objects, "Job") == []


# Probes ------------------------------------------------------------------------------------------


def test_web_probes_use_the_health_endpoints(case):
    name, objects = case
    web = named(objects, "Deployment", "xinyu-web")["spec"]["template"]["spec"]["containers"][0]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz", name
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz", name
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz", name
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert web[probe]["httpGet"]["port"] == "http"
        host = {h["name"]: h["value"] for h in web[probe]["httpGet"]["httpHeaders"]}["Host"]
        assert host == env_of(web)["BASE_DOMAIN"]["value"]
    # /readyz runs its checks in parallel, each for at most READYZ_TIMEOUT, and answers within about
    # half a second more: the probe waits longer than that.
    assert web["readinessProbe"]["timeoutSeconds"] > getattr(settings, "READYZ_TIMEOUT", 2) + 0.5


def test_the_probe_paths_answer_on_any_host(client):
    """The paths the chart probes are answered before routing (config.health), so the kubelet's
    request to the pod's address works whatever Host it carries."""
    health = pytest.importorskip("config.health")
    web = named(render(), "Deployment", "xinyu-web")["spec"]["template"]["spec"]["containers"][0]
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert web[probe]["httpGet"]["path"] in health.OPS_PATHS
    assert health.OPS_PATHS["/readyz"] is health.readyz
    answer = client.get("/healthz", HTTP_HOST="10.1.2.3:8000")
    assert (answer.status_code, answer.content) == (200, b"ok")


def test_workers_are_probed_by_a_celery_ping_of_their_own_node(default):
    worker = named(default, "Deployment", "xinyu-worker-xinyu")["spec"]["template"]["spec"]["containers"][0]
    command = " ".join(worker["livenessProbe"]["exec"]["command"])
    assert "celery -A config inspect ping" in command and "celery@${HOSTNAME}" in command


# Secrets -----------------------------------------------------------------------------------------


def test_secrets_are_files_never_environment_values(case):
    name, objects = case
    for owner, spec, container in containers(objects):
        where = f"{name}: {owner['metadata']['name']}/{container['name']}"
        env = env_of(container)
        assert "envFrom" not in container, where
        assert all("valueFrom" not in item for item in env.values()), where
        for secret in SECRET_FILES:
            assert secret not in env, where
            assert f"{secret}_FILE" in env, where
        mounts = {m["name"]: m for m in container["volumeMounts"]}
        volumes = {v["name"]: v for v in spec["volumes"]}
        secret_mount = mounts["secrets"]
        assert secret_mount["readOnly"] is True
        assert "secret" in volumes["secrets"]
        # Readable by the app's group only (fsGroup), never world-readable.
        assert volumes["secrets"]["secret"]["defaultMode"] & 0o007 == 0
        for item_name, item in env.items():
            if item_name.endswith("_FILE"):
                assert item["value"].startswith(secret_mount["mountPath"] + "/"), where


def test_secret_values_appear_only_base64_encoded_in_the_chart_made_secret():
    raw = render_raw(CASES["secret-made-by-chart"])
    text = "\n".join(raw.values())
    for marker in MARKERS.values():
        assert marker not in text
    objects = render(CASES["secret-made-by-chart"])
    secret = named(objects, "Secret", "xinyu-secrets")
    decoded = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert decoded == {
        "secret-key": MARKERS["secretKey"],
        "master-key": MARKERS["masterKey"],
        "database-url": MARKERS["databaseUrl"],
        "redis-url": MARKERS["redisUrl"],
        "email-host-password": MARKERS["emailHostPassword"],
        "metrics-token": MARKERS["metricsToken"],
    }
    annotations = secret["metadata"]["annotations"]
    # Exists before the migration hook, and survives `helm uninstall` (it holds MASTER_KEY).
    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert annotations["helm.sh/resource-policy"] == "keep"
    web = named(objects, "Deployment", "xinyu-web")["spec"]["template"]
    env = env_of(web["spec"]["containers"][0])
    assert env["EMAIL_HOST_PASSWORD_FILE"]["value"].endswith("/email-host-password")
    assert env["METRICS_TOKEN_FILE"]["value"].endswith("/metrics-token")
    # Pods roll when the Secret changes.
    assert "checksum/secret" in web["metadata"]["annotations"]


def test_by_default_the_chart_makes_no_secret_and_names_the_one_to_make(default):
    assert of_kind(default, "Secret") == []
    volumes = named(default, "Deployment", "xinyu-web")["spec"]["template"]["spec"]["volumes"]
    assert {"name": "secrets", "secret": {"secretName": "xinyu-secrets", "defaultMode": 0o440}} in volumes
    notes = render_raw()["xinyu/templates/NOTES.txt"]
    assert "create secret generic xinyu-secrets" in notes
    for key in ("secret-key", "master-key", "database-url", "redis-url"):
        assert f"--from-file={key}=" in notes


def test_production_reads_an_existing_secret(production):
    assert of_kind(production, "Secret") == []
    web = named(production, "Deployment", "xinyu-web")["spec"]["template"]["spec"]
    assert {"name": "secrets", "secret": {"secretName": "xinyu-prod-secrets", "defaultMode": 0o440}} in web[
        "volumes"
    ]
    assert (
        env_of(web["containers"][0])["EMAIL_HOST_PASSWORD_FILE"]["value"]
        == "/run/secrets/xinyu/email-host-password"
    )


@pytest.mark.parametrize(
    "values, message",
    [
        ({"secrets": {"create": True}}, "secrets.secretKey is required"),
        ({"secrets": {"create": True, **MARKERS, "masterKey": ""}}, "secrets.masterKey is required"),
        ({"secrets": {"create": True, **MARKERS, "existingSecret": "other"}}, "exclude each other"),
    ],
)
def test_a_chart_made_secret_needs_every_value(values, message):
    with pytest.raises(helm_python.HelmRenderError, match=re.escape(message)):
        render(values)


def test_every_secret_file_the_chart_names_is_read_by_the_settings():
    """Each <NAME>_FILE the chart sets is a setting read through config.env.env_secret (which reads the
    file); a name read with env_str would ignore the file and the pod would not start."""
    source = (settings.BASE_DIR / "platform/config/settings.py").read_text(encoding="utf-8")
    production = production_values()
    named_files = set(production["secrets"]["files"]) | SECRET_FILES | {"METRICS_TOKEN"}
    unread = sorted(name for name in named_files if f'env_secret("{name}")' not in source)
    assert unread == [], f"the settings read {unread} without env_secret, so their _FILE form is ignored"


# Resources and security --------------------------------------------------------------------------


def test_every_container_has_requests_and_limits(case):
    name, objects = case
    for owner, _spec, container in containers(objects):
        resources = container["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= set(resources[bound]), (name, owner["metadata"]["name"], bound)


def test_pods_run_unprivileged_with_a_read_only_root(case):
    name, objects = case
    for owner, spec, container in containers(objects):
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert (
            isinstance(spec["securityContext"]["runAsUser"], int) and spec["securityContext"]["runAsUser"] > 0
        )
        assert spec["automountServiceAccountToken"] is False
        context = container["securityContext"]
        assert context["readOnlyRootFilesystem"] is True and context["allowPrivilegeEscalation"] is False
        assert context["capabilities"]["drop"] == ["ALL"]
        # The one writable place besides media.
        assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], (
            name,
            owner["metadata"]["name"],
        )


def test_web_and_workers_share_the_media_volume(default):
    claim = named(default, "PersistentVolumeClaim", "xinyu-media")
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    for name in ("xinyu-web", "xinyu-worker-xinyu"):
        spec = named(default, "Deployment", name)["spec"]["template"]["spec"]
        container = spec["containers"][0]
        media_root = env_of(container)["MEDIA_ROOT"]["value"]
        assert {"name": "media", "mountPath": media_root} in container["volumeMounts"]
        assert {"name": "media", "persistentVolumeClaim": {"claimName": "xinyu-media"}} in spec["volumes"]


# Disruption budgets, network policy, autoscaling -------------------------------------------------


def test_pod_disruption_budgets_cover_web_and_workers(case):
    name, objects = case
    deployments = {o["metadata"]["name"]: o for o in of_kind(objects, "Deployment")}
    budgets = of_kind(objects, "PodDisruptionBudget")
    covered = set()
    for pdb in budgets:
        selector = pdb["spec"]["selector"]["matchLabels"]
        matches = [
            n
            for n, d in deployments.items()
            if selector.items() <= d["spec"]["template"]["metadata"]["labels"].items()
        ]
        assert len(matches) == 1, (name, pdb["metadata"]["name"])
        covered.add(matches[0])
        assert ("minAvailable" in pdb["spec"]) != ("maxUnavailable" in pdb["spec"])
    assert covered == set(deployments) - {"xinyu-beat"}, name


def test_production_keeps_two_web_pods_through_a_drain(production):
    pdb = named(production, "PodDisruptionBudget", "xinyu-web")
    hpa = named(production, "HorizontalPodAutoscaler", "xinyu-web")
    assert pdb["spec"]["minAvailable"] == 2 < hpa["spec"]["minReplicas"]


def test_network_policy_lets_in_only_web_traffic_and_out_only_what_is_needed(case):
    name, objects = case
    policies = {p["metadata"]["name"]: p for p in of_kind(objects, "NetworkPolicy")}
    assert set(policies) == {"xinyu", "xinyu-web"}, name
    every = policies["xinyu"]["spec"]
    # Selects every pod of the release (web, workers, beat, the migration Job).
    for owner, _spec in pod_specs(objects):
        labels = owner["spec"]["template"]["metadata"]["labels"]
        assert every["podSelector"]["matchLabels"].items() <= labels.items()
    assert every["policyTypes"] == ["Ingress", "Egress"] and every["ingress"] == []
    ports = {(p["port"], p["protocol"]) for rule in every["egress"] for p in rule["ports"]}
    assert {(53, "UDP"), (53, "TCP"), (5432, "TCP"), (6379, "TCP")} <= ports
    web = policies["xinyu-web"]["spec"]
    assert web["policyTypes"] == ["Ingress"]
    assert [p["port"] for rule in web["ingress"] for p in rule["ports"]] == ["http"]
    web_pods = named(objects, "Deployment", "xinyu-web")["spec"]["template"]["metadata"]["labels"]
    worker_pods = named(objects, "Deployment", "xinyu-worker-xinyu")["spec"]["template"]["metadata"]["labels"]
    assert web["podSelector"]["matchLabels"].items() <= web_pods.items()
    assert not web["podSelector"]["matchLabels"].items() <= worker_pods.items()


def test_production_network_policy_names_its_peers(production):
    every = named(production, "NetworkPolicy", "xinyu")["spec"]
    by_port = {p["port"]: rule for rule in every["egress"] for p in rule["ports"]}
    assert by_port[5432]["to"] == [{"ipBlock": {"cidr": "10.20.0.10/32"}}]
    assert by_port[6379]["to"] == [{"ipBlock": {"cidr": "10.20.0.20/32"}}]
    assert 587 in by_port  # SMTP, since an e-mail host is set
    web = named(production, "NetworkPolicy", "xinyu-web")["spec"]
    namespaces = [
        peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
        for peer in web["ingress"][0]["from"]
    ]
    assert namespaces == ["ingress-nginx", "monitoring"]


def test_autoscalers_target_web_and_workers(case):
    name, objects = case
    hpas = of_kind(objects, "HorizontalPodAutoscaler")
    deployments = {o["metadata"]["name"]: o for o in of_kind(objects, "Deployment")}
    if name == "no-autoscaling":
        assert hpas == []
        assert deployments["xinyu-web"]["spec"]["replicas"] == 3
        assert deployments["xinyu-worker-xinyu"]["spec"]["replicas"] == 2
        return
    targets = {h["spec"]["scaleTargetRef"]["name"] for h in hpas}
    assert targets == set(deployments) - {"xinyu-beat"}, name
    for hpa in hpas:
        ref = hpa["spec"]["scaleTargetRef"]
        assert ref["kind"] == "Deployment" and ref["apiVersion"] == "apps/v1"
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert hpa["spec"]["metrics"], hpa["metadata"]["name"]
        # The HPA owns the replica count: the Deployment leaves it unset, so an upgrade never resets it.
        assert "replicas" not in deployments[ref["name"]]["spec"]


def test_an_autoscaler_without_a_metric_is_refused():
    with pytest.raises(helm_python.HelmRenderError, match="autoscaling needs"):
        render({"web": {"autoscaling": {"targetCPUUtilizationPercentage": 0}}})


# Settings passed to the pods ---------------------------------------------------------------------


def test_citus_value_sets_citus_on_every_container():
    for values, expected in (({}, "false"), ({"citus": {"enabled": True}}, "true")):
        for owner, _spec, container in containers(render(values)):
            assert env_of(container)["CITUS"]["value"] == expected, owner["metadata"]["name"]


def test_every_container_runs_in_production_mode_with_the_same_settings(production):
    environments = []
    for _owner, _spec, container in containers(production):
        env = {k: v.get("value") for k, v in env_of(container).items()}
        assert env["DEBUG"] == "false" and env["HTTPS"] == "true"
        assert env["BASE_DOMAIN"] == "xinyu.district.example"
        assert int(env["WEB_WORKERS"]) * int(env["WEB_THREADS"]) <= int(env["DB_MAX_WEB_CONNECTIONS"])
        environments.append(env)
    assert all(env == environments[0] for env in environments)


def test_pods_roll_when_the_settings_change(default):
    before = named(default, "Deployment", "xinyu-web")["spec"]["template"]["metadata"]["annotations"]
    after = named(render({"config": {"logLevel": "DEBUG"}}), "Deployment", "xinyu-web")
    assert (
        before["checksum/config"] != after["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    )


def test_ingress_serves_the_district_and_every_school(production):
    ingress = named(production, "Ingress", "xinyu")
    hosts = [rule["host"] for rule in ingress["spec"]["rules"]]
    assert hosts == ["xinyu.district.example", "*.xinyu.district.example"]
    assert ingress["spec"]["tls"] == [{"hosts": hosts, "secretName": "xinyu-wildcard-tls"}]
    service = named(production, "Service", "xinyu-web")
    for rule in ingress["spec"]["rules"]:
        backend = rule["http"]["paths"][0]["backend"]["service"]
        assert backend == {"name": "xinyu-web", "port": {"name": "http"}}
    assert service["spec"]["ports"][0]["targetPort"] == "http"


def test_the_image_is_pinned_by_tag_or_digest():
    web = named(render({"image": {"digest": "sha256:" + "a" * 64}}), "Deployment", "xinyu-web")
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].endswith("@sha256:" + "a" * 64)
    web = named(render(), "Deployment", "xinyu-web")
    chart = yaml.safe_load((CHART / "Chart.yaml").read_text(encoding="utf-8"))
    assert web["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":" + chart["appVersion"])


@pytest.mark.parametrize(
    "values, where",
    [
        ({"web": {"replica": 3}}, "additional properties 'replica' not allowed"),
        ({"citus": {"enabled": "yes"}}, "/citus/enabled"),
        ({"config": {"disclosureK": 3}}, "/config/disclosureK"),
        ({"secrets": {"files": {"MASTER_KEY": None}}}, "MASTER_KEY"),
        ({"image": {"digest": "latest"}}, "/image/digest"),
    ],
)
def test_values_schema_refuses_typos_and_unsafe_values(values, where):
    # values.schema.json: a misspelled key would otherwise be ignored without a word.
    with pytest.raises(helm_python.HelmValuesError, match=re.escape(where)):
        render(values)
