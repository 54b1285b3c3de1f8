"""The rewards team's own tests (docs/examples/rewards/test_rewards.py) run here."""

from rewards.test_rewards import (  # noqa: F401 - collected by pytest
    test_a_tagged_email_has_the_same_bonus_key,
    test_a_verified_customer_gets_one_welcome_bonus,
    test_the_same_mailbox_is_welcomed_once,
)
