"""Connection settings: config first, environment fallback, URL rules."""

import pytest

from providers.config import Settings, Timeouts, check_url, env_name
from providers.errors import ConfigError


def test_env_names():
    assert env_name("swo", "apiToken") == "SWO_API_TOKEN"
    assert env_name("swo-eu", "apiUrl") == "SWO_EU_API_URL"
    assert env_name("symphony", "botPrivateKeyPath") == "SYMPHONY_BOT_PRIVATE_KEY_PATH"


def test_config_wins_over_environment():
    s = Settings("swo", {"swo:apiToken": "from-config"}, environ={"SWO_API_TOKEN": "from-env"})
    assert s.get("apiToken") == "from-config"
    s = Settings("swo", {}, environ={"SWO_API_TOKEN": "from-env"})
    assert s.get("apiToken") == "from-env"


def test_require_names_key_and_env():
    with pytest.raises(ConfigError, match=r"swo-eu:apiToken: is not set .*\$SWO_EU_API_TOKEN"):
        Settings("swo-eu", {}, environ={}).require("apiToken")


@pytest.mark.parametrize("url,ok", [
    ("https://api.platform.softwareone.com", True), ("http://127.0.0.1:8080", True), ("http://localhost:1", True),
    ("http://[::1]:9", True), ("http://api.example.com", False), ("ftp://x", False), ("not a url", False),
])
def test_https_required_except_loopback(url, ok):
    s = Settings("swo", {})
    if ok:
        assert check_url(s, "apiUrl", url + "/") == url
    else:
        with pytest.raises(ConfigError, match="swo:apiUrl"):
            check_url(s, "apiUrl", url)


def test_timeouts_validate_numbers():
    with pytest.raises(ConfigError, match="swo:readTimeout: must be a number"):
        Timeouts(Settings("swo", {"swo:readTimeout": "soon"}))
    t = Timeouts(Settings("swo", {"swo:maxRetries": "2"}))
    assert t.max_retries == 2 and t.read == 30.0
    assert Timeouts(Settings("swo", {})).max_retries == 10


def test_a_url_with_a_password_is_refused_without_echoing_it():
    from providers.config import Settings, check_url
    from providers.errors import ConfigError

    s = Settings("swo", None, environ={})
    with pytest.raises(ConfigError) as err:
        check_url(s, "apiUrl", "https://user:s3cret-pw@api.example.com")
    assert "s3cret-pw" not in str(err.value) and "***@api.example.com" in str(err.value)
    with pytest.raises(ConfigError) as err:
        check_url(s, "apiUrl", "ftp://user:s3cret-pw@api.example.com")
    assert "s3cret-pw" not in str(err.value)
