def test_officer_walks_through_a_file(login_as, make):
    browser = login_as("officer")
    h = make.household(name="ÉLOI Hélène")
    make.member(h, last_name="ÉLOI", first_name="Jérôme")
    for path in ["/households/", f"/households/{h.id}"] + [
        f"/households/{h.id}/{tab}"
        for tab in (
            "members",
            "occupancy",
            "letters",
            "journal",
            "documents",
            "offers",
            "relocation",
            "tasks",
            "history",
        )
    ]:
        response = browser.get(path)
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:3000])
    found = browser.get("/households/?q=helene").get_data(as_text=True)
    assert h.reference in found
