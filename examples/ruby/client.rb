#!/usr/bin/ruby
# SCEP client side: build a PKCSReq for a CSR, then read the CA's CertRep.
#
# Usage: client.rb VECTORS_DIR   (the test keys and a CertRep live there)
require 'scep'

vectors = ARGV.fetch(0)
keys = File.join(vectors, 'peers/captured/keys')
key = File.read("#{keys}/libscep-client/key1.pem")
signer = File.read("#{keys}/libscep-client/selfsigned-signer-1.pem")
csr = File.read("#{keys}/libscep-client/csr1.pem")
ca_cert = File.read("#{keys}/micromdm-ca/ca.pem")

begin
  handle = SCEP::Handle.new
  handle.set_sigalg('sha256')
  handle.set_encalg('aes256')

  # The request, ready to POST to the server's pkiclient.exe.
  request = handle.pkcsreq(key, signer, ca_cert, csr)
  puts "PKCSReq #{handle.parse(request).transaction_id}"

  # The server's answer: verify it came from the CA, open it with our key.
  answer = File.binread(File.join(vectors, 'generated/certrep-success.der'))
  reply = handle.unwrap(answer, ca_cert, signer, key)
  puts "CertRep #{reply.pki_status} #{reply.transaction_id}"
  if reply.success?
    print reply.cert
  elsif reply.failure?
    puts "refused: #{reply.fail_info}"
  end
rescue SCEP::Error => e
  warn "scep: #{e.message} (#{e.status_name})"
  exit 1
end
