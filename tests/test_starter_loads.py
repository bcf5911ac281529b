from semantic.definitions import load_project


def test_starter_project_loads_without_issues(repo_root):
    loaded = load_project(repo_root)
    assert [i.render() for i in loaded.issues] == []
    assert "win_rate" in loaded.definitions.metrics
