"""JSON merge patch follows RFC 7396."""

from hypothesis import given

from cims.domain.merge_patch import apply_merge_patch
from cims.testing.strategies import json_values


def test_rfc_7396_appendix_example():
    target = {
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged",
    }
    patch = {
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": None},
        "tags": ["example"],
    }

    assert apply_merge_patch(target, patch) == {
        "title": "Hello!",
        "author": {"givenName": "John"},
        "tags": ["example"],
        "content": "This will be unchanged",
        "phoneNumber": "+01-123-456-7890",
    }


@given(json_values(), json_values())
def test_patching_twice_with_the_same_patch_changes_nothing_more(target, patch):
    once = apply_merge_patch(target, patch)

    assert apply_merge_patch(once, patch) == once
