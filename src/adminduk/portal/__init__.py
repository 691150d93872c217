"""The resident portal: a resident signs in with their NIK and a one-time code sent to the phone
on file, and sees their own data, their KK and where each of their requests stands."""
