"""What `adminduk demo` prints about the planner."""


def demo_lines(base_url: str) -> list[str]:
    return [
        f"  Planner    {base_url}/perencanaan/   (admin or supervisor: recording sets, printers, evenings and",
        "             blangko per kecamatan of Kota Palu to a deadline; a queue simulation of one office)",
        "             from a CSV: .venv/bin/adminduk plan --input FILE.csv --deadline YYYY-MM-DD",
        "",
    ]
