#!/bin/sh
# Installed as /usr/local/bin/adminduk: every `adminduk` command as the adminduk user, with the
# configuration in /var/lib/adminduk/adminduk.env (read by adminduk itself).
export ADMINDUK_DATA_DIR=/var/lib/adminduk
cd /var/lib/adminduk || exit 1
if [ "$(id -u)" = 0 ]; then
    exec runuser -u adminduk -- /opt/adminduk/.venv/bin/adminduk "$@"
fi
exec /opt/adminduk/.venv/bin/adminduk "$@"
