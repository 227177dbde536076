# Shared helpers of the Ruby tests: the vectors folder, test keys and
# one-line names of certificates (read with the openssl tool, so that the
# expectations do not come from the library under test).
require 'json'
require 'open3'

module Support
  VECTORS = ENV['SCEP_VECTORS'] ||
            File.expand_path('../../tests/vectors', __dir__)

  module_function

  def path(relative)
    File.join(VECTORS, relative)
  end

  def read_bytes(relative)
    File.binread(path(relative))
  end

  def read_text(relative)
    File.read(path(relative))
  end

  def manifest
    JSON.parse(read_text('manifest.json'))['vectors']
  end

  def pem_blocks(text)
    text.to_enum(:scan, /-----BEGIN ([A-Z0-9 ]+)-----.*?-----END \1-----\n?/m)
        .map { Regexp.last_match(0) }
  end

  def openssl_name(kind, flag, pem)
    out, status = Open3.capture2('openssl', kind, '-noout', flag,
                                 '-nameopt', 'compat', stdin_data: pem)
    raise "openssl #{kind} #{flag} failed" unless status.success?

    out.strip.split('=', 2)[1]
  end

  def cert_subject(pem)
    openssl_name('x509', '-subject', pem)
  end

  def cert_subjects(pem)
    pem_blocks(pem).map { |block| cert_subject(block) }
  end

  def crl_issuer(pem)
    openssl_name('crl', '-issuer', pem)
  end

  # The test CA (the micromdm one of the captures) and client.
  module Keys
    extend Support
    CA = read_text('peers/captured/keys/micromdm-ca/ca.pem')
    CA_KEY = read_text('peers/captured/keys/micromdm-ca/ca-key-plain.pem')
    CLIENT_KEY = read_text('peers/captured/keys/libscep-client/key1.pem')
    CLIENT_CSR = read_text('peers/captured/keys/libscep-client/csr1.pem')
    CLIENT_CERT = read_text(
      'peers/captured/keys/libscep-client/selfsigned-signer-1.pem')
    OTHER_KEY = read_text('peers/captured/keys/libscep-client/key2.pem')
    ISSUED = read_text(
      'peers/captured/keys/micromdm-ca/issued/libscep-client-1.11.pem')
    RA_SIGN = read_text('keys/ra-sign.pem')
    RA_ENCRYPT = read_text('keys/ra-encrypt.pem')
    CRL = read_text('keys/ca.crl')
    CLIENT_KEY_AES = read_text('keys/client-aes256.pem')
    CLIENT_KEY_PASSWORD = 'correct-horse'
  end
end
