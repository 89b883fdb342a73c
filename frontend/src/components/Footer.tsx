import { CLINIC } from '../content/clinic';
import './Footer.css';

export function Footer() {
  return (
    <footer className="site-footer">
      <div className="site-footer__inner">
        <div>
          <strong>{CLINIC.name}</strong>
          <address>
            {CLINIC.address.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </address>
        </div>
        <div>
          <p>
            Phone <a href={`tel:${CLINIC.phone.replace(/\s/g, '')}`}>{CLINIC.phone}</a>
          </p>
          <p>In an emergency call 112.</p>
        </div>
        <p className="site-footer__fine">© {new Date().getFullYear()} {CLINIC.name}</p>
      </div>
    </footer>
  );
}
