"""The web container as deployed: the image built from webclient/Dockerfile (its RUN steps on this machine, into a clean
venv from webclient/requirements.txt), its command line run with exactly the ECS task definition's environment (only
the values naming AWS resources swapped for the local stack's), answering the ALB health check and serving a browser
that signs in and chats."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from motivator_web.config import ENV_NAMES, REDIS_URL_VARIABLE, environment
from motivator_web.security import own_url_environment

from cdk.app_builder import stack_name
from cdk.constants import WEB_STACK
from devtools.http import http_ok
from devtools.stack import free_port
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP
from tests.infrastructure.conftest import resources_of, synthesize
from tests.infrastructure.dockerfile import DockerBuild, ImageBuilder, Stage, workflow_builds
from tests.redisserver import redis_server

pytestmark = pytest.mark.integration

#: The environment whose task definition is run (every environment's has the same names: tests/infrastructure).
ENV = "dev"
#: WebSettings fields whose template values name AWS resources; each gets the local stack's (endpoints.json keys).
LOOPBACK_FIELDS = ("ws_url", "client_id", "user_pool_id", "region")
#: The task's ECS secrets and the local value each stands for (the cache: the redis-server this module starts).
SECRET_VALUES: dict[str, Any] = {
    REDIS_URL_VARIABLE: lambda endpoints: endpoints["redis_url"],
    ENV_NAMES["client_secret"]: lambda endpoints: endpoints["client_secret"],
}
START_S = 90.0
ANSWER_S = 60.0


@dataclass(frozen=True)
class DeployedTask:
    """The web container's part of the synthesized Web stack."""

    environment: dict[str, Any]
    secrets: list[Any]
    container_port: int
    target_port: int
    health_path: str
    health_codes: str


@dataclass(frozen=True)
class Image:
    builder: ImageBuilder
    stage: Stage
    port: int
    seconds: float


@pytest.fixture(scope="module")
def task(tmp_path_factory: pytest.TempPathFactory) -> DeployedTask:
    template = synthesize(tmp_path_factory).json(stack_name(ENV, WEB_STACK))
    (definition,) = resources_of(template, "AWS::ECS::TaskDefinition").values()
    (container,) = definition["Properties"]["ContainerDefinitions"]
    (group,) = resources_of(template, "AWS::ElasticLoadBalancingV2::TargetGroup").values()
    (mapping,) = container["PortMappings"]
    return DeployedTask(
        environment={variable["Name"]: variable["Value"] for variable in container["Environment"]},
        secrets=container.get("Secrets", []),
        container_port=mapping["ContainerPort"],
        target_port=group["Properties"]["Port"],
        health_path=group["Properties"]["HealthCheckPath"],
        health_codes=group["Properties"]["Matcher"]["HttpCode"],
    )


def _host_environment() -> dict[str, str]:
    """This machine's environment for the build steps (registries, certificates), without the project's venv."""
    path = [d for d in os.environ.get("PATH", "").split(os.pathsep) if d and not d.startswith(sys.prefix)]
    skip = {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}
    return {**{k: v for k, v in os.environ.items() if k not in skip}, "PATH": os.pathsep.join(path)}


@pytest.fixture(scope="module")
def image(tmp_path_factory: pytest.TempPathFactory) -> Image:
    """The image's folders built by the Dockerfile's own steps, with PUBLIC_URL's port set to the one it will run on
    (as `docker build --build-arg PUBLIC_URL=…`; the default, localhost:8000, is what CI builds)."""
    work = tmp_path_factory.mktemp("web-image")
    shims = work / "shims"
    shims.mkdir()
    # The base image's `python` (python:3.11-slim): this machine's CPython 3.11, not the project's venv.
    (shims / "python").symlink_to(getattr(sys, "_base_executable", sys.executable))
    port = free_port()
    builds = {DockerBuild.from_step(step) for step in workflow_builds()}
    assert len(builds) == 1, "every environment's job builds the same image"
    (build,) = builds
    builder = ImageBuilder(build, work / "root", {"PUBLIC_URL": f"http://localhost:{port}"}, shims)
    started = time.monotonic()
    stage = builder.run(_host_environment(), work / "build.log")
    seconds = time.monotonic() - started
    steps = "; ".join(f"{took:.1f} s: RUN {command[:48]}" for command, took in builder.timings)
    print(f"\nweb image built in {seconds:.1f} s ({steps}); log {work / 'build.log'}")
    return Image(builder, stage, port, seconds)


def _container_environment(task: DeployedTask, endpoints: dict[str, Any], own_url: str) -> dict[str, str]:
    """The task definition's variables, each value naming an AWS resource replaced by the local stack's (the app's
    own CloudFront URL by the container's loopback one), plus the one override AWS does not need: where Cognito is."""
    field_of = {name: field for field, name in ENV_NAMES.items()}
    values = {}
    for name, value in task.environment.items():
        field = field_of.get(name)
        values[name] = str(endpoints[field]) if field in LOOPBACK_FIELDS else str(value)
    own = own_url_environment(own_url)
    assert set(own) <= set(values), "the task names the app's own URL"
    values |= own
    # ECS puts each Secrets Manager value into the container's environment; here the local stand-ins' values.
    secrets = {secret["Name"]: SECRET_VALUES[secret["Name"]](endpoints) for secret in task.secrets}
    return {**values, **secrets, **environment(cognito_url=endpoints["cognito_url"])}


@pytest.fixture(scope="module")
def container(image: Image, task: DeployedTask, endpoints: dict[str, Any], run_dir: Path) -> Iterator[str]:
    """The image's CMD, run from its WORKDIR with its ENV and the task's environment; yields its URL."""
    with redis_server(run_dir) as redis_url:
        yield from _run_container(image, task, {**endpoints, "redis_url": redis_url}, run_dir)


def _run_container(image: Image, task: DeployedTask, endpoints: dict[str, Any], run_dir: Path) -> Iterator[str]:
    assert image.stage.cmd
    home = run_dir / "home"
    home.mkdir()
    url = f"http://127.0.0.1:{image.port}"
    env = {**image.stage.env, "HOME": str(home), **_container_environment(task, endpoints, url)}
    command = list(image.stage.cmd)
    command[command.index("--port") + 1] = str(image.port)
    command[command.index("--host") + 1] = "127.0.0.1"  # the task binds 0.0.0.0; tests stay on loopback
    executable = shutil.which(command[0], path=env["PATH"])
    assert executable, f"{command[0]} is not on the image's PATH {env['PATH']}"
    log_path = run_dir / "container.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [executable, *command[1:]],
            cwd=image.builder.path(image.stage.workdir),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + START_S
            while not http_ok(f"{url}{task.health_path}"):
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = log_path.read_text(errors="replace")[-3000:]
                    pytest.fail(f"the container's command did not come up (exit {process.poll()}):\n{tail}")
                time.sleep(0.3)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web-container")


def test_the_image_listens_where_the_load_balancer_looks(image: Image, task: DeployedTask) -> None:
    # Given the image's command, exposed port and health check, and the task definition and target group
    stage = image.stage
    assert stage.cmd and stage.expose and stage.healthcheck
    cmd_port = int(stage.cmd[stage.cmd.index("--port") + 1])
    default_public_url = next(i.args for i in image.builder.build.instructions() if i.args.startswith("PUBLIC_URL="))
    # Then the command serves on the port the task maps and the target group forwards to, where the browser's
    # event socket goes too (the default PUBLIC_URL: Reflex reuses the page's host, and its port unless HTTPS)
    assert cmd_port == stage.expose[0] == task.container_port == task.target_port
    assert default_public_url.endswith(f":{cmd_port}")
    # and the image's own health check asks the path the load balancer asks
    assert f":{cmd_port}{task.health_path}'" in stage.healthcheck
    # and the task's secrets are the state cache's URL and the app client's secret, both from Secrets Manager
    assert sorted(secret["Name"] for secret in task.secrets) == sorted(SECRET_VALUES)


def test_the_load_balancer_health_check_answers(container: str, task: DeployedTask) -> None:
    # Given the container started with the deployed environment
    # When the ALB asks its health-check path
    with urllib.request.urlopen(f"{container}{task.health_path}", timeout=5) as response:
        status = response.status
    # Then it answers with the status the target group counts as healthy
    assert str(status) == task.health_codes


#: What the browser reported as refused by the page's Content-Security-Policy (console messages).
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message: Any) -> None:
    if "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(message.text)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def page(container: str) -> AsyncIterator[Any]:
    from playwright.async_api import async_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (see tests/e2e/conftest.py)", pytrace=False)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = await browser.new_context(viewport=DESKTOP)  # type: ignore[arg-type]
        tab = await context.new_page()
        tab.set_default_timeout(30_000)
        tab.on("console", _record_csp_violation)
        yield tab
        await browser.close()


async def test_a_person_signs_in_and_chats_through_the_deployed_container(
    page: Any, container: str, endpoints: dict[str, Any]
) -> None:
    # Given every page of the bundle the image built, served by the container's backend
    await page.goto(f"{container}/")
    await page.wait_for_url("**/welcome*")  # a first visit meets the landing page
    for route, form in (("/signup", "Create an account"), ("/confirm", "Confirm your email"),
                        ("/forgot", "Request a password reset code")):  # fmt: skip
        await page.goto(f"{container}{route}")
        await page.get_by_role("form", name=form).wait_for()
    # and the demo user on its sign-in page
    response = await page.goto(f"{container}/signin")
    await page.get_by_label("Email").wait_for()
    # whose CSP allows the bundle's inline scripts by hash only: no 'unsafe-inline' or 'unsafe-eval' for scripts
    policy = dict(d.split(" ", 1) for d in (await response.all_headers())["content-security-policy"].split("; "))
    scripts = policy["script-src"].split()
    assert scripts[0] == "'self'" and scripts[1:] and all(s.startswith("'sha256-") for s in scripts[1:]), scripts
    # When they sign in
    await page.get_by_label("Email").fill(endpoints["demo_username"])
    await page.get_by_label("Password").fill(endpoints["demo_password"])
    await page.get_by_role("button", name="Sign in").click()
    # Then the chat connects to the gateway with their token
    await page.get_by_label("Your message").wait_for()
    await page.locator('[data-testid="connection-status"][data-state="connected"]').wait_for()
    # When they write how they feel
    box = page.get_by_label("Your message")
    await box.fill("I feel anxious about tomorrow and I can't sleep")
    await box.press("Enter")
    # Then an answer arrives with its verse, streamed to the end
    card = page.get_by_test_id("answer-card").last
    await card.locator('[data-testid="answer-text"][data-status="done"]').wait_for(timeout=ANSWER_S * 1000)
    assert (await card.get_by_test_id("verse-reference").inner_text()).strip()
    assert len((await card.get_by_test_id("answer-text").inner_text()).strip()) > 20
    # And nothing the pages ran was refused by that CSP
    assert CSP_VIOLATIONS == []
