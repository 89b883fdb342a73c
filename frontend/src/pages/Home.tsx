import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import type { Diagnostic } from '../api/types';
import { useApi, useSession } from '../auth/session';
import { Spinner } from '../components/Spinner';
import { CLINIC } from '../content/clinic';
import './Home.css';

/** Signed-in people see the clinic's examinations as they are today (the list needs a token). */
function CurrentExaminations() {
  const r = useApi();
  const [items, setItems] = useState<Diagnostic[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    r.diagnostics({ size: 25 })
      .then((page) => setItems(page.data))
      .catch(() => setFailed(true));
  }, [r]);
  if (failed) return <StaticServices />;
  if (!items) return <Spinner label="Loading the examinations" />;
  if (items.length === 0) return <p>The clinic has not listed its examinations yet.</p>;
  return (
    <>
      <ul className="home__examinations">
        {items.map((item) => (
          <li key={item.id}>{item.modality}</li>
        ))}
      </ul>
      <p>
        <Link to="/workspace/diagnostics">See all examinations and book</Link>
      </p>
    </>
  );
}

function StaticServices() {
  return (
    <ul className="home__services">
      {CLINIC.services.map((service) => (
        <li key={service.title} className="panel">
          <h3>{service.title}</h3>
          <p>{service.text}</p>
        </li>
      ))}
    </ul>
  );
}

export function Home() {
  const { me } = useSession();
  const [hero, ...gallery] = CLINIC.photos;
  return (
    <div className="home">
      <section className="home__hero">
        <div className="home__hero-text">
          <p className="home__eyebrow">Malmö · since 1998</p>
          <h1>{CLINIC.tagline}</h1>
          <p className="home__lead">{CLINIC.description[0]}</p>
          <div className="form-actions">
            {me ? (
              <Link className="button" to="/workspace">
                Go to your workspace
              </Link>
            ) : (
              <>
                <Link className="button" to="/register">
                  Become a patient
                </Link>
                <Link className="button button--quiet" to="/login">
                  Sign in
                </Link>
              </>
            )}
          </div>
        </div>
        <figure className="home__hero-photo">
          <img src={hero.src} alt={hero.alt} width="960" height="640" fetchPriority="high" />
        </figure>
      </section>

      <section className="home__section" aria-labelledby="about-title">
        <h2 id="about-title">About the clinic</h2>
        {CLINIC.description.slice(1).map((paragraph) => (
          <p key={paragraph}>{paragraph}</p>
        ))}
      </section>

      <section className="home__section" id="services" aria-labelledby="services-title">
        <h2 id="services-title">{me ? 'Examinations we offer' : 'Our services'}</h2>
        {me ? <CurrentExaminations /> : <StaticServices />}
      </section>

      <section className="home__section" aria-labelledby="photos-title">
        <h2 id="photos-title">Inside QHealth</h2>
        <div className="home__gallery">
          {gallery.map((photo) => (
            <figure key={photo.src}>
              <img src={photo.src} alt={photo.alt} width="960" height="640" loading="lazy" />
              <figcaption>{photo.caption}</figcaption>
            </figure>
          ))}
        </div>
      </section>

      <section className="home__section home__visit" aria-labelledby="visit-title">
        <div>
          <h2 id="visit-title">Visit us</h2>
          <address>
            {CLINIC.address.map((line) => (
              <span key={line}>{line}</span>
            ))}
          </address>
          <p>
            Phone <a href={`tel:${CLINIC.phone.replace(/\s/g, '')}`}>{CLINIC.phone}</a>
          </p>
        </div>
        <div>
          <h3>Opening hours</h3>
          <dl className="details-list">
            {CLINIC.hours.map(([days, time]) => (
              <div key={days} style={{ display: 'contents' }}>
                <dt>{days}</dt>
                <dd>{time}</dd>
              </div>
            ))}
          </dl>
        </div>
      </section>
    </div>
  );
}
