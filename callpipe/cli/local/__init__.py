"""`callpipe local`: a single-node Apache Kafka and Apicurio Registry without Docker.

Both run on the machine's Java from artifacts Maven fetches from Maven
Central into a cache folder, like `confluent local` does with its bundle.
"""
