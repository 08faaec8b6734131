"""The refusal a service call raises, for tests that assert on its code or message."""

import pytest

from deliberation.errors import ActionRefused


def refused(function, **kwargs) -> ActionRefused:
    """Call `function(**kwargs)`; fail unless it raises ActionRefused, and return that."""
    with pytest.raises(ActionRefused) as info:
        function(**kwargs)
    return info.value
