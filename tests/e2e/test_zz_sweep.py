import pytest
import tests.e2e.test_monkey as m
m.STEPS = 60

@pytest.mark.parametrize("seed", range(100, 160))
async def test_sweep(db_url, tmp_path, seed, caplog):
    await m.test_residents_doing_anything_are_always_answered.__wrapped__(db_url, tmp_path, seed, caplog) if hasattr(m.test_residents_doing_anything_are_always_answered, "__wrapped__") else await m.test_residents_doing_anything_are_always_answered(db_url, tmp_path, seed, caplog)
