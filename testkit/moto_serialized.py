"""moto's server with every request applied under one lock (see moto.rs, SERIALIZED_MOTO_SERVER).

Usage: python3 moto_serialized.py -H 127.0.0.1 -p PORT
"""
import sys, threading
import moto.server as server

lock = threading.Lock()
run_simple = server.run_simple

def serialized_run_simple(host, port, app, **options):
    def serialized(environ, start_response):
        with lock:
            return list(app(environ, start_response))
    return run_simple(host, port, serialized, **options)

server.run_simple = serialized_run_simple
server.main(sys.argv[1:])
